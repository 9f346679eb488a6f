"""Sessions with paho-mqtt against emqxd: a 3.1.1 Clean Session 0 and a v5 Session Expiry
session keep their subscriptions and queue QoS 1 messages while offline; a v5 session expires;
a second connection with the same client id takes the session over. Usage: session.py PORT"""

import time

from mqtt_helpers import Client, PacketTypes, check, props, run, wait_until


def offline_queue(port, v5):
    tag = "v5" if v5 else "v311"
    expiry = props(PacketTypes.CONNECT, SessionExpiryInterval=60) if v5 else None
    sub = Client(port, f"queue-{tag}", v5=v5, clean=False, connect_props=expiry)
    sub.subscribe(f"queue/{tag}", 1)
    sub.close()
    pub = Client(port, f"queue-pub-{tag}", v5=v5)
    pub.publish(f"queue/{tag}", b"qos0", 0)  # QoS 0 for an offline session may be dropped
    for i in range(3):
        pub.publish(f"queue/{tag}", f"m{i}".encode(), 1)
    back = Client(port, f"queue-{tag}", v5=v5, clean=False, connect_props=expiry)
    check(back.session_present(), f"{tag}: Session Present 0 on resumption [MQTT-3.2.2-2]")
    got = back.wait_messages(3)
    check([m.payload for m in got] == [b"m0", b"m1", b"m2"],
          f"{tag}: queued messages {[m.payload for m in got]}")
    back.expect_quiet(0.3, already=3)
    back.close()
    pub.close()


def session_expiry(port):
    short = props(PacketTypes.CONNECT, SessionExpiryInterval=1)
    first = Client(port, "short-lived", clean=False, connect_props=short)
    first.subscribe("short/#", 1)
    first.close()
    time.sleep(2.5)  # the broker's timers tick once a second
    again = Client(port, "short-lived", clean=False, connect_props=short)
    check(not again.session_present(), "the session outlived its Session Expiry Interval")
    again.close()


def takeover(port, v5):
    tag = "v5" if v5 else "v311"
    expiry = props(PacketTypes.CONNECT, SessionExpiryInterval=60) if v5 else None
    first = Client(port, f"twin-{tag}", v5=v5, clean=False, connect_props=expiry)
    first.subscribe(f"twin/{tag}", 1)
    second = Client(port, f"twin-{tag}", v5=v5, clean=False, connect_props=expiry)
    check(second.session_present(), f"{tag}: the taken-over session was not resumed")
    check(wait_until(lambda: first.disconnects), f"{tag}: the first connection was not closed "
          "[MQTT-3.1.4-3]")
    pub = Client(port, f"twin-pub-{tag}", v5=v5)
    pub.publish(f"twin/{tag}", b"to-second", 1)
    check(second.wait_messages(1)[0].payload == b"to-second",
          f"{tag}: the resumed subscription did not deliver")
    check(not first.received(), f"{tag}: the closed connection got a message")
    for client in (second, pub):
        client.close()


def body(port):
    offline_queue(port, v5=False)
    offline_queue(port, v5=True)
    session_expiry(port)
    takeover(port, v5=False)
    takeover(port, v5=True)


if __name__ == "__main__":
    run("session", body)
