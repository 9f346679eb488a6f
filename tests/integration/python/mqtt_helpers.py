"""Shared helpers for the Python integration scripts: paho-mqtt (Debian's 1.6 API) clients that
record what they receive, bounded waits, and the PASS/FAIL line each script ends with."""

import os
import sys
import threading
import time
import traceback

try:
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties
    from paho.mqtt.subscribeoptions import SubscribeOptions
except ImportError as error:  # pragma: no cover - environment problem, reported clearly
    print(f"FAIL import paho-mqtt: {error} (use Debian's /usr/bin/python3 with python3-paho-mqtt)")
    sys.exit(2)

__all__ = ["mqtt", "PacketTypes", "Properties", "SubscribeOptions", "Client", "Failure",
           "check", "props", "run", "wait_until"]

TIMEOUT = 5.0


class Failure(Exception):
    """A check that did not hold; its message says what was expected."""


def check(condition, what):
    if not condition:
        raise Failure(what)


def wait_until(predicate, timeout=TIMEOUT, step=0.01):
    """True once predicate() holds, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def props(packet_type, **values):
    """A paho Properties object for `packet_type` with the given property values."""
    result = Properties(packet_type)
    for name, value in values.items():
        setattr(result, name, value)
    return result


class Client:
    """A connected paho client (loop thread running) that records its messages and events."""

    def __init__(self, port, client_id, v5=True, clean=True, connect_props=None, will=None,
                 keepalive=60, expect_rc=0):
        self.messages = []
        self.disconnects = []
        self.connack = None
        self.subacks = {}
        self.lock = threading.Lock()
        protocol = mqtt.MQTTv5 if v5 else mqtt.MQTTv311
        self.v5 = v5
        self.client = mqtt.Client(client_id=client_id, protocol=protocol,
                                  clean_session=None if v5 else clean)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        if will:
            self.client.will_set(**will)
        if v5:
            self.client.connect("127.0.0.1", port, keepalive, clean_start=clean,
                                properties=connect_props)
        else:
            self.client.connect("127.0.0.1", port, keepalive)
        self.client.loop_start()
        check(wait_until(lambda: self.connack is not None), f"{client_id}: no CONNACK")
        check(self.rc() == expect_rc, f"{client_id}: CONNACK {self.rc()}, expected {expect_rc}")

    # paho callbacks (loop thread)
    def _on_connect(self, client, userdata, flags, rc, properties=None):
        self.connack = (flags, rc, properties)

    def _on_message(self, client, userdata, message):
        with self.lock:
            self.messages.append(message)

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        self.subacks[mid] = granted

    def _on_disconnect(self, client, userdata, rc, properties=None):
        self.disconnects.append(rc)
        # Stay disconnected: paho's loop would otherwise reconnect (and, for a takeover, take
        # the session back).
        client.disconnect()

    # queries and actions (test thread)
    def rc(self):
        rc = self.connack[1]
        return rc.value if hasattr(rc, "value") else rc

    def session_present(self):
        return self.connack[0]["session present"]

    def connack_props(self):
        return self.connack[2]

    def subscribe(self, topic, qos=0, options=None, properties=None):
        """Subscribes and waits for the SUBACK; returns the granted QoS / reason codes."""
        if options is not None:
            result, mid = self.client.subscribe(topic, options=options, properties=properties)
        else:
            result, mid = self.client.subscribe(topic, qos, properties=properties)
        check(result == mqtt.MQTT_ERR_SUCCESS, f"subscribe {topic}: {result}")
        check(wait_until(lambda: mid in self.subacks), f"no SUBACK for {topic}")
        return [g.value if hasattr(g, "value") else g for g in self.subacks[mid]]

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        """Publishes and, for QoS 1/2, waits until the broker has acknowledged it."""
        info = self.client.publish(topic, payload, qos, retain, properties)
        check(info.rc == mqtt.MQTT_ERR_SUCCESS, f"publish {topic}: rc {info.rc}")
        if qos > 0:
            info.wait_for_publish(TIMEOUT)
            check(info.is_published(), f"publish {topic} QoS {qos} not acknowledged")
        return info

    def received(self):
        with self.lock:
            return list(self.messages)

    def wait_messages(self, count, timeout=TIMEOUT):
        """The first `count` messages, or a Failure when fewer arrive in time."""
        arrived = wait_until(lambda: len(self.messages) >= count, timeout)
        got = self.received()
        check(arrived, f"expected {count} messages, got {len(got)}: "
                       f"{[(m.topic, m.payload) for m in got]}")
        return got[:count]

    def expect_quiet(self, seconds, already=0):
        """Nothing beyond `already` messages arrives for `seconds`."""
        time.sleep(seconds)
        got = self.received()
        check(len(got) == already, f"unexpected messages: {[(m.topic, m.payload) for m in got]}")

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def run(name, body):
    """Runs body(port) with the port from argv[1]; prints PASS/FAIL and exits accordingly."""
    watchdog = threading.Timer(45.0, lambda: (print(f"FAIL {name}: timed out", flush=True),
                                              os._exit(3)))
    watchdog.daemon = True
    watchdog.start()
    try:
        body(int(sys.argv[1]))
    except Failure as failure:
        print(f"FAIL {name}: {failure}", flush=True)
        os._exit(1)
    except Exception:  # noqa: BLE001 - any crash is a failure with its traceback
        print(f"FAIL {name}: exception\n{traceback.format_exc()}", flush=True)
        os._exit(1)
    print(f"PASS {name}", flush=True)
    os._exit(0)  # loop threads of clients left open must not keep the process alive
