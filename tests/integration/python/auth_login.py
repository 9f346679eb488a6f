"""Logs in to a broker with paho-mqtt and exits with the CONNACK code paho reports (0 when
accepted), or 100 when no CONNACK came: how a real client library sees a refusal.

Usage: auth_login.py PORT 311|5 USERNAME PASSWORD
"""

import sys
import threading

try:
    import paho.mqtt.client as mqtt
except ImportError as error:  # pragma: no cover - environment problem, reported clearly
    print(f"FAIL import paho-mqtt: {error} (use Debian's /usr/bin/python3 with python3-paho-mqtt)")
    sys.exit(2)

NO_CONNACK = 100


def main():
    port, version, username, password = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    v5 = version == "5"
    protocol = mqtt.MQTTv5 if v5 else mqtt.MQTTv311
    client = mqtt.Client(client_id=f"paho-auth-{version}", protocol=protocol)
    client.username_pw_set(username, password)
    result = {}
    done = threading.Event()

    def on_connect(_client, _userdata, _flags, rc, _properties=None):
        # v5: a ReasonCodes object whose .value is the byte; 3.1.1: the return code itself.
        result["code"] = rc.value if hasattr(rc, "value") else int(rc)
        done.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", int(port), keepalive=30)
    client.loop_start()
    got = done.wait(5.0)
    client.disconnect()
    client.loop_stop()
    code = result.get("code", NO_CONNACK) if got else NO_CONNACK
    print(f"CONNACK {code}")
    sys.exit(code)


if __name__ == "__main__":
    main()
