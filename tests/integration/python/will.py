"""Will messages with paho-mqtt against emqxd: a client process killed with SIGKILL (3.1.1 and
5.0) has its will published; a v5 Will Delay Interval holds it back; a normal DISCONNECT
discards it. Usage: will.py PORT (the script re-runs itself as the client process to kill)."""

import ctypes
import os
import select
import signal
import subprocess
import sys
import time

from mqtt_helpers import Client, PacketTypes, check, props, run


def child(port, client_id, v5, delay, polite):
    """The client process: connects with a will, says READY, then waits to be killed (or, when
    polite, disconnects normally and exits)."""
    will_props = props(PacketTypes.WILLMESSAGE, WillDelayInterval=delay) if delay else None
    connect_props = props(PacketTypes.CONNECT, SessionExpiryInterval=30) if delay else None
    will = {"topic": f"will/{client_id}", "payload": b"bye", "qos": 1, "properties": will_props}
    client = Client(port, client_id, v5=v5, connect_props=connect_props, will=will)
    print("READY", flush=True)
    if polite:
        client.close()
        return
    time.sleep(60)


def die_with_parent():
    """Runs in the client process before exec: SIGKILL it if this script dies first."""
    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6").prctl(pr_set_pdeathsig, signal.SIGKILL)


def start_child(port, client_id, v5=True, delay=0, polite=False):
    process = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), str(port), "child", client_id,
         "1" if v5 else "0", str(delay), "1" if polite else "0"],
        stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent)
    ready, _, _ = select.select([process.stdout], [], [], 10)
    line = process.stdout.readline() if ready else ""
    if line.strip() != "READY":
        process.kill()
        process.wait(5)
        check(False, f"client process {client_id} did not connect: {line!r}")
    return process


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(5)


def killed_client_will(port, watcher):
    for v5, client_id in ((False, "k3"), (True, "k5")):
        process = start_child(port, client_id, v5=v5)
        kill(process)
        # [MQTT-3.1.2-8]: published once the connection is closed without DISCONNECT.
        check(watcher.wait_until_topic(f"will/{client_id}", 5), f"no will for {client_id}")


def delayed_will(port, watcher):
    process = start_child(port, "d5", delay=2)
    kill(process)
    killed_at = time.monotonic()
    check(watcher.wait_until_topic("will/d5", 5), "the delayed will never came")
    waited = time.monotonic() - killed_at
    check(waited >= 1.5, f"the will came after {waited:.2f} s, before its 2 s delay")


def polite_client_no_will(port, watcher):
    process = start_child(port, "p5", polite=True)
    process.wait(10)
    time.sleep(1.5)
    check(not watcher.has_topic("will/p5"), "a normal DISCONNECT still published the will "
          "[MQTT-3.14.4-3]")


class Watcher(Client):
    def has_topic(self, topic):
        return any(m.topic == topic and m.payload == b"bye" for m in self.received())

    def wait_until_topic(self, topic, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.has_topic(topic):
                return True
            time.sleep(0.01)
        return self.has_topic(topic)


def body(port):
    watcher = Watcher(port, "will-watcher")
    watcher.subscribe("will/#", 1)
    killed_client_will(port, watcher)
    delayed_will(port, watcher)
    polite_client_no_will(port, watcher)
    watcher.close()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "child":
        child(int(sys.argv[1]), sys.argv[3], sys.argv[4] == "1", int(sys.argv[5]),
              sys.argv[6] == "1")
        os._exit(0)
    run("will", body)
