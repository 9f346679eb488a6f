// The real emqxd with Python paho-mqtt clients: each script in tests/integration/python runs
// against its own broker and ends with a PASS or FAIL line.
#include "emqxd_process.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace emqx::test;

namespace {

// Debian's interpreter: python3-paho-mqtt (the 1.6 API) is installed for it, not for any
// other python3 that may come first in PATH.
constexpr const char* python = "/usr/bin/python3";

// Runs tests/integration/python/<name>.py against a fresh broker and checks its verdict.
void run_script(const std::string& name) {
    emqxd_process broker;
    const std::string script = std::string{EMQX_SOURCE_DIR} + "/tests/integration/python/" + name +
                               ".py";
    child_process run{{python, script, std::to_string(broker.port())}, "python"};
    int code = run.wait(std::chrono::seconds{60});
    if (code == -1) {
        code = run.stop(SIGKILL);
    }
    const std::string output = run.out() + run.err();
    INFO("script output:\n", output, "\nbroker log:\n", broker.log());
    CHECK(code == 0);
    CHECK(output.find("PASS " + name) != std::string::npos);
    CHECK(broker.stop() == 0);
}

} // namespace

TEST_SUITE("integration::python") {
    TEST_CASE("paho-mqtt: QoS 0/1/2 both ways, QoS downgrade, CONNACK limits, flow control") {
        run_script("qos_flow");
    }

    TEST_CASE("paho-mqtt: retained set, replace, clear; Retain As Published; Retain Handling") {
        run_script("retained");
    }

    TEST_CASE("paho-mqtt: wills of killed client processes, Will Delay, normal DISCONNECT") {
        run_script("will");
    }

    TEST_CASE("paho-mqtt: offline queues of persistent sessions, session expiry, takeover") {
        run_script("session");
    }

    TEST_CASE("paho-mqtt: shared subscriptions, topic aliases, message expiry, No Local, "
              "Subscription Identifiers, forwarded properties") {
        run_script("v5_features");
    }
}
