"""Retained messages with paho-mqtt against emqxd: set, replace, clear, the RETAIN flag on new
and live subscriptions, and the v5 options Retain As Published and Retain Handling.
Usage: retained.py PORT"""

from mqtt_helpers import Client, SubscribeOptions, check, run


def set_replace_clear(port):
    pub = Client(port, "ret-pub", v5=False)
    live = Client(port, "ret-live", v5=False)
    live.subscribe("ret/a", 0)
    pub.publish("ret/a", b"v1", 1, retain=True)
    # [MQTT-3.3.1-9] (3.1.1): a live delivery has RETAIN 0.
    check(live.wait_messages(1)[0].retain == 0, "live delivery had RETAIN 1")

    first = Client(port, "ret-first", v5=False)
    first.subscribe("ret/#", 1)
    message = first.wait_messages(1)[0]
    check((message.payload, message.retain) == (b"v1", 1), f"got {message.payload} "
          f"retain {message.retain} instead of the retained v1 [MQTT-3.3.1-8]")

    pub.publish("ret/a", b"v2", 1, retain=True)
    second = Client(port, "ret-second", v5=False)
    second.subscribe("ret/#", 1)
    check(second.wait_messages(1)[0].payload == b"v2", "v2 did not replace v1 [MQTT-3.3.1-5]")
    second.expect_quiet(0.3, already=1)

    pub.publish("ret/a", b"", 1, retain=True)
    third = Client(port, "ret-third", v5=False)
    third.subscribe("ret/#", 1)
    third.expect_quiet(0.5)  # [MQTT-3.3.1-10]: the empty message cleared it
    for client in (pub, live, first, second, third):
        client.close()


def v5_options(port):
    pub = Client(port, "ret5-pub")
    rap = Client(port, "ret5-rap")
    rap.subscribe("r5/live", options=SubscribeOptions(qos=1, retainAsPublished=True))
    pub.publish("r5/live", b"x", 1, retain=True)
    check(rap.wait_messages(1)[0].retain == 1, "Retain As Published lost the RETAIN flag")

    pub.publish("r5/kept", b"kept", 1, retain=True)
    once = Client(port, "ret5-once")
    options = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
    once.subscribe("r5/kept", options=options)
    check(once.wait_messages(1)[0].payload == b"kept", "Retain Handling 1: nothing on a new "
          "subscription")
    once.subscribe("r5/kept", options=options)
    once.expect_quiet(0.3, already=1)

    never = Client(port, "ret5-never")
    never.subscribe("r5/kept", options=SubscribeOptions(
        qos=1, retainHandling=SubscribeOptions.RETAIN_DO_NOT_SEND))
    never.expect_quiet(0.3)
    for client in (pub, rap, once, never):
        client.close()


def body(port):
    set_replace_clear(port)
    v5_options(port)


if __name__ == "__main__":
    run("retained", body)
