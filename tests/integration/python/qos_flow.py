"""QoS 0/1/2 both ways in 3.1.1 and 5.0, QoS downgrade, the CONNACK limits and flow control
(a subscriber with Receive Maximum 2 still gets 200 QoS 1/2 messages, in order per QoS), with
paho-mqtt against emqxd. Usage: qos_flow.py PORT"""

from mqtt_helpers import Client, PacketTypes, check, props, run


def qos_both_ways(port):
    for v5 in (False, True):
        tag = "v5" if v5 else "v311"
        sub = Client(port, f"qos-sub-{tag}", v5=v5)
        check(sub.subscribe("qos/#", 2) == [2], f"{tag}: QoS 2 not granted")
        low = Client(port, f"qos-low-{tag}", v5=v5)
        check(low.subscribe("qos/#", 1) == [1], f"{tag}: QoS 1 not granted")
        pub = Client(port, f"qos-pub-{tag}", v5=v5)
        for qos in (0, 1, 2):
            pub.publish(f"qos/{qos}", f"m{qos}".encode(), qos)
        got = sorted(sub.wait_messages(3), key=lambda m: m.topic)
        for qos, message in enumerate(got):
            check(message.topic == f"qos/{qos}" and message.payload == f"m{qos}".encode(),
                  f"{tag}: got {message.topic} {message.payload}")
            check(message.qos == qos, f"{tag}: qos/{qos} arrived at QoS {message.qos}")
        # [MQTT-3.8.4-8]: delivered at the lower of the published and the granted QoS.
        got = sorted(low.wait_messages(3), key=lambda m: m.topic)
        check([m.qos for m in got] == [0, 1, 1], f"{tag}: downgraded QoS {[m.qos for m in got]}")
        for client in (sub, low, pub):
            client.close()


def connack_limits(port):
    client = Client(port, "limits")
    received = client.connack_props()
    check(getattr(received, "ReceiveMaximum", None) == 128, "Receive Maximum is not 128")
    check(getattr(received, "TopicAliasMaximum", None) == 64, "Topic Alias Maximum is not 64")
    check(getattr(received, "MaximumPacketSize", None) == 1 << 20,
          "Maximum Packet Size is not 1 MiB")
    client.close()


def flow_control(port):
    sub = Client(port, "flow-sub", connect_props=props(PacketTypes.CONNECT, ReceiveMaximum=2))
    check(sub.subscribe("flow/#", 2) == [2], "QoS 2 not granted")
    pub = Client(port, "flow-pub")
    infos = [pub.client.publish("flow/1", str(i).encode(), 1 + i % 2) for i in range(200)]
    for info in infos:
        info.wait_for_publish(10)
        check(info.is_published(), f"message {info.mid} not acknowledged")
    got = sub.wait_messages(200, 15)
    for qos in (1, 2):
        payloads = [int(m.payload) for m in got if m.qos == qos]
        expected = [i for i in range(200) if 1 + i % 2 == qos]
        check(payloads == expected, f"QoS {qos} messages out of order or missing [MQTT-4.6.0-6]")
    sub.close()
    pub.close()


def body(port):
    qos_both_ways(port)
    connack_limits(port)
    flow_control(port)


if __name__ == "__main__":
    run("qos_flow", body)
