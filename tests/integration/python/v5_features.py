"""MQTT 5.0 features with paho-mqtt against emqxd: shared subscriptions, topic aliases sent by
the client, message expiry, No Local, Subscription Identifiers, and PUBLISH properties forwarded
unaltered. Usage: v5_features.py PORT"""

import time

from mqtt_helpers import (Client, PacketTypes, SubscribeOptions, check, props, run,
                          wait_until)


def shared_subscription(port):
    members = [Client(port, f"member-{i}") for i in range(2)]
    for member in members:
        member.subscribe("$share/g/shared/t", 1)
    pub = Client(port, "shared-pub")
    for i in range(20):
        pub.publish("shared/t", str(i).encode(), 1)
    check(wait_until(lambda: sum(len(m.received()) for m in members) >= 20),
          "fewer than 20 messages reached the group")
    time.sleep(0.3)
    payloads = [int(x.payload) for m in members for x in m.received()]
    check(sorted(payloads) == list(range(20)), f"each message must reach exactly one member "
          f"(4.8.2): {sorted(payloads)}")
    check(all(m.received() for m in members), "one member got nothing")
    for client in members + [pub]:
        client.close()


def topic_alias(port):
    sub = Client(port, "alias-sub")
    sub.subscribe("alias/#", 0)
    pub = Client(port, "alias-pub")
    pub.publish("alias/long/topic", b"set", 0, properties=props(PacketTypes.PUBLISH, TopicAlias=1))
    pub.publish("", b"used", 0, properties=props(PacketTypes.PUBLISH, TopicAlias=1))
    got = sub.wait_messages(2)
    check([(m.topic, m.payload) for m in got] ==
          [("alias/long/topic", b"set"), ("alias/long/topic", b"used")],
          f"aliased messages: {[(m.topic, m.payload) for m in got]}")
    # Alias 65 is over the Topic Alias Maximum 64 of our CONNACK [MQTT-3.3.2-9].
    pub.client.publish("alias/x", b"bad", 0, properties=props(PacketTypes.PUBLISH, TopicAlias=65))
    check(wait_until(lambda: pub.disconnects), "alias 65 did not end the connection")
    sub.close()


def message_expiry(port):
    expiry = props(PacketTypes.CONNECT, SessionExpiryInterval=60)
    sub = Client(port, "expiry-sub", clean=False, connect_props=expiry)
    sub.subscribe("expiry/#", 1)
    sub.close()
    pub = Client(port, "expiry-pub")
    pub.publish("expiry/short", b"s", 1,
                properties=props(PacketTypes.PUBLISH, MessageExpiryInterval=1))
    pub.publish("expiry/long", b"l", 1,
                properties=props(PacketTypes.PUBLISH, MessageExpiryInterval=60))
    time.sleep(2.2)
    back = Client(port, "expiry-sub", clean=False, connect_props=expiry)
    got = back.wait_messages(1)
    check(got[0].topic == "expiry/long", f"got {got[0].topic}: an expired message was sent "
          "[MQTT-3.3.2-5]")
    left = getattr(got[0].properties, "MessageExpiryInterval", None)
    check(left is not None and 55 <= left <= 58, f"Message Expiry Interval sent on was {left}, "
          "not what remained of 60 after about 2 s [MQTT-3.3.2-6]")
    back.expect_quiet(0.3, already=1)
    for client in (pub, back):
        client.close()


def no_local(port):
    me = Client(port, "no-local")
    me.subscribe("nolocal/t", options=SubscribeOptions(qos=1, noLocal=True))
    me.publish("nolocal/t", b"mine", 1)
    other = Client(port, "no-local-other")
    other.publish("nolocal/t", b"theirs", 1)
    got = me.wait_messages(1)
    check(got[0].payload == b"theirs", "No Local delivered the client's own message "
          "[MQTT-3.8.3-3]")
    me.expect_quiet(0.3, already=1)
    for client in (me, other):
        client.close()


def subscription_identifiers(port):
    sub = Client(port, "sub-ids")
    sub.subscribe("ids/#", 1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=7))
    sub.subscribe("ids/+/x", 0, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=9))
    pub = Client(port, "sub-ids-pub")
    pub.publish("ids/a/x", b"both", 1)
    got = sub.wait_messages(1)
    ids = sorted(getattr(got[0].properties, "SubscriptionIdentifier", []))
    check(ids == [7, 9], f"Subscription Identifiers {ids}, expected 7 and 9 [MQTT-3.3.4-3]")
    check(got[0].qos == 1, "overlapping subscriptions: not the highest QoS [MQTT-3.3.4-2]")
    sub.expect_quiet(0.3, already=1)
    for client in (sub, pub):
        client.close()


def properties_forwarded(port):
    sub = Client(port, "props-sub")
    sub.subscribe("props/t", 1)
    pub = Client(port, "props-pub")
    sent = props(PacketTypes.PUBLISH, PayloadFormatIndicator=1, ContentType="text/plain",
                 ResponseTopic="reply/here", CorrelationData=b"\x00\x01corr",
                 UserProperty=[("k", "v1"), ("k", "v2"), ("other", "x")])
    pub.publish("props/t", "héllo".encode(), 1, properties=sent)
    got = sub.wait_messages(1)[0].properties
    for name in ("PayloadFormatIndicator", "ContentType", "ResponseTopic", "CorrelationData",
                 "UserProperty"):
        check(getattr(got, name, None) == getattr(sent, name),
              f"{name} not forwarded unaltered: {getattr(got, name, None)!r} "
              "[MQTT-3.3.2-4] [MQTT-3.3.2-17]")
    for client in (sub, pub):
        client.close()


def body(port):
    shared_subscription(port)
    topic_alias(port)
    message_expiry(port)
    no_local(port)
    subscription_identifiers(port)
    properties_forwarded(port)


if __name__ == "__main__":
    run("v5_features", body)
