// The real emqxd with mosquitto_pub / mosquitto_sub (libmosquitto 2.0) as the clients: QoS,
// retained messages, wills, sessions, shared subscriptions, topic aliases, message expiry,
// v5 properties and shutdown, so our codec is checked against an independent implementation.
#include "emqxd_process.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace emqx::test;

namespace {

// One line per message: topic, payload, QoS, retain, subscription ids, expiry, user properties.
constexpr const char* message_format = "MSG|%t|%p|%q|%r|%S|%E|%P";

std::vector<std::string> with_port(std::uint16_t port, const char* program,
                                   std::vector<std::string> args) {
    std::vector<std::string> argv{program, "-h", "127.0.0.1", "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// mosquitto_pub run to completion (bounded); its exit code.
int mosquitto_pub(std::uint16_t port, std::vector<std::string> args) {
    child_process pub{with_port(port, "mosquitto_pub", std::move(args)), "mosquitto_pub"};
    const int code = pub.wait(std::chrono::seconds{10});
    return code == -1 ? pub.stop(SIGKILL) : code;
}

/// mosquitto_sub in the background, printing one "MSG|..." line per message and, with -d,
/// its protocol steps.
class mosquitto_sub {
public:
    mosquitto_sub(std::uint16_t port, std::vector<std::string> args) : process_(argv(port, args)) {}

    /// True once the SUBACK came (mosquitto_sub -d prints "Subscribed (mid: ...").
    bool wait_subscribed(std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
        return wait_output("Subscribed (mid", timeout);
    }

    bool wait_output(const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (process_.out().find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() >= deadline || !process_.running()) {
                return process_.out().find(text) != std::string::npos;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return true;
    }

    /// The "MSG|..." lines printed so far.
    [[nodiscard]] std::vector<std::string> messages() const {
        std::vector<std::string> lines;
        std::istringstream out{process_.out()};
        std::string line;
        while (std::getline(out, line)) {
            if (line.rfind("MSG|", 0) == 0) {
                lines.push_back(line);
            }
        }
        return lines;
    }

    /// Waits until `count` messages have been printed (bounded); the messages.
    std::vector<std::string> wait_messages(std::size_t count,
                                           std::chrono::milliseconds timeout = std::chrono::seconds{5}) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (messages().size() < count && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        return messages();
    }

    child_process& process() noexcept { return process_; }

    /// What it printed, for failure messages.
    [[nodiscard]] std::string transcript() const { return process_.out() + process_.err(); }

private:
    static std::vector<std::string> argv(std::uint16_t port, std::vector<std::string> args) {
        args.insert(args.end(), {"-d", "-F", message_format});
        auto command = with_port(port, "mosquitto_sub", std::move(args));
        // Its stdout is a file: line-buffer it so that the "Subscribed" line shows at once.
        command.insert(command.begin(), {"stdbuf", "-oL"});
        return command;
    }

    child_process process_;
};

} // namespace

TEST_SUITE("integration::mosquitto") {
    TEST_CASE("mosquitto clients exchange QoS 0, 1 and 2 messages in 3.1, 3.1.1 and 5.0") {
        emqxd_process broker;
        for (const std::string version : {"mqttv31", "mqttv311", "mqttv5"}) {
            CAPTURE(version);
            mosquitto_sub sub{broker.port(), {"-V", version, "-q", "2", "-t", "mq/#", "-C", "3"}};
            REQUIRE_MESSAGE(sub.wait_subscribed(), sub.transcript());
            for (const std::string qos : {"0", "1", "2"}) {
                CHECK(mosquitto_pub(broker.port(), {"-V", version, "-q", qos, "-t", "mq/" + qos,
                                                    "-m", "m" + qos}) == 0);
            }
            CHECK(sub.process().wait(std::chrono::seconds{5}) == 0);
            CHECK(sub.messages() == std::vector<std::string>{"MSG|mq/0|m0|0|0|||",
                                                             "MSG|mq/1|m1|1|0|||",
                                                             "MSG|mq/2|m2|2|0|||"});
        }
    }

    TEST_CASE("mosquitto clients set, replace and clear a retained message") {
        emqxd_process broker;
        const std::vector<std::string> read_retained{"--retained-only", "-t", "rt/#", "-W", "1"};
        CHECK(mosquitto_pub(broker.port(), {"-t", "rt/a", "-m", "v1", "-r", "-q", "1"}) == 0);
        {
            mosquitto_sub sub{broker.port(), read_retained};
            CHECK(sub.wait_messages(1) == std::vector<std::string>{"MSG|rt/a|v1|0|1|||"});
        }
        CHECK(mosquitto_pub(broker.port(), {"-t", "rt/a", "-m", "v2", "-r", "-q", "1"}) == 0);
        {
            mosquitto_sub sub{broker.port(), read_retained};
            CHECK(sub.wait_messages(1) == std::vector<std::string>{"MSG|rt/a|v2|0|1|||"});
        }
        CHECK(mosquitto_pub(broker.port(), {"-t", "rt/a", "-n", "-r", "-q", "1"}) == 0);
        mosquitto_sub sub{broker.port(), read_retained};
        CHECK(sub.process().wait(std::chrono::seconds{5}) == 27); // timed out: nothing retained
        CHECK(sub.messages().empty());
    }

    TEST_CASE("the will of a killed mosquitto_sub is published, in 3.1.1 and 5.0") {
        emqxd_process broker;
        mosquitto_sub watcher{broker.port(), {"-t", "wl/#", "-C", "2"}};
        REQUIRE_MESSAGE(watcher.wait_subscribed(), watcher.transcript());
        for (const std::string version : {"mqttv311", "mqttv5"}) {
            CAPTURE(version);
            mosquitto_sub dying{broker.port(), {"-V", version, "-t", "dummy", "--will-topic",
                                                "wl/" + version, "--will-payload", "bye"}};
            REQUIRE_MESSAGE(dying.wait_subscribed(), dying.transcript());
            CHECK(dying.process().stop(SIGKILL) == 128 + SIGKILL);
        }
        CHECK(watcher.process().wait(std::chrono::seconds{5}) == 0);
        CHECK(watcher.messages() == std::vector<std::string>{"MSG|wl/mqttv311|bye|0|0|||",
                                                             "MSG|wl/mqttv5|bye|0|0|||"});
    }

    TEST_CASE("a v5 Will Delay Interval from mosquitto_sub holds the will back") {
        emqxd_process broker;
        mosquitto_sub watcher{broker.port(), {"-t", "wd/#", "-C", "1"}};
        REQUIRE_MESSAGE(watcher.wait_subscribed(), watcher.transcript());
        mosquitto_sub dying{broker.port(),
                            {"-V", "mqttv5", "-x", "30", "-t", "dummy", "--will-topic", "wd/1",
                             "--will-payload", "later", "-D", "will", "will-delay-interval", "2"}};
        REQUIRE_MESSAGE(dying.wait_subscribed(), dying.transcript());
        dying.process().stop(SIGKILL);
        const auto killed = std::chrono::steady_clock::now();
        CHECK(watcher.wait_messages(1, std::chrono::seconds{5}) ==
              std::vector<std::string>{"MSG|wd/1|later|0|0|||"});
        CHECK(std::chrono::steady_clock::now() - killed > std::chrono::milliseconds{1'500});
    }

    TEST_CASE("a persistent mosquitto_sub session gets the QoS 1 messages sent while it was "
              "offline (3.1.1 -c, 5.0 -c -x)") {
        emqxd_process broker;
        const std::vector<std::vector<std::string>> modes{{"-V", "mqttv311"},
                                                          {"-V", "mqttv5", "-x", "60"}};
        for (const auto& mode : modes) {
            CAPTURE(mode[1]);
            std::vector<std::string> session{"-c", "-i", "ps-" + mode[1], "-q", "1", "-t", "ps/1"};
            session.insert(session.end(), mode.begin(), mode.end());
            {
                auto args = session;
                args.push_back("-E"); // subscribe, then disconnect at once
                mosquitto_sub first{broker.port(), args};
                CHECK(first.process().wait(std::chrono::seconds{5}) == 0);
            }
            for (const std::string n : {"0", "1", "2"}) {
                CHECK(mosquitto_pub(broker.port(), {"-q", "1", "-t", "ps/1", "-m", "m" + n}) == 0);
            }
            auto args = session;
            args.insert(args.end(), {"-C", "3"});
            mosquitto_sub back{broker.port(), args};
            CHECK(back.process().wait(std::chrono::seconds{5}) == 0);
            CHECK(back.messages() == std::vector<std::string>{
                                         "MSG|ps/1|m0|1|0|||", "MSG|ps/1|m1|1|0|||",
                                         "MSG|ps/1|m2|1|0|||"});
        }
    }

    TEST_CASE("a shared subscription of two mosquitto_sub gets each message exactly once") {
        emqxd_process broker;
        mosquitto_sub a{broker.port(), {"-V", "mqttv5", "-q", "1", "-t", "$share/g/sh/m"}};
        mosquitto_sub b{broker.port(), {"-V", "mqttv5", "-q", "1", "-t", "$share/g/sh/m"}};
        REQUIRE_MESSAGE(a.wait_subscribed(), a.transcript());
        REQUIRE_MESSAGE(b.wait_subscribed(), b.transcript());
        for (int i = 0; i < 10; ++i) {
            CHECK(mosquitto_pub(broker.port(), {"-q", "1", "-t", "sh/m", "-m", std::to_string(i)}) ==
                  0);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{5};
        while (a.messages().size() + b.messages().size() < 10 &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{200}); // any duplicate shows now
        std::multiset<std::string> all;
        for (const auto& line : a.messages()) {
            all.insert(line);
        }
        for (const auto& line : b.messages()) {
            all.insert(line);
        }
        CHECK(all.size() == 10);
        for (int i = 0; i < 10; ++i) {
            CHECK(all.count("MSG|sh/m|" + std::to_string(i) + "|1|0|||") == 1);
        }
        CHECK(!a.messages().empty());
        CHECK(!b.messages().empty());
    }

    TEST_CASE("mosquitto_pub sending a Topic Alias is understood") {
        emqxd_process broker;
        mosquitto_sub sub{broker.port(), {"-t", "ta/#", "-C", "3"}};
        REQUIRE_MESSAGE(sub.wait_subscribed(), sub.transcript());
        // The first PUBLISH sets alias 1 with the topic, the next two use it with no topic.
        CHECK(mosquitto_pub(broker.port(), {"-V", "mqttv5", "-t", "ta/1", "-m", "hi", "--repeat",
                                            "3", "-D", "publish", "topic-alias", "1"}) == 0);
        CHECK(sub.process().wait(std::chrono::seconds{5}) == 0);
        CHECK(sub.messages() == std::vector<std::string>(3, "MSG|ta/1|hi|0|0|||"));
    }

    TEST_CASE("mosquitto: a retained message expires; the remaining interval is sent on") {
        emqxd_process broker;
        CHECK(mosquitto_pub(broker.port(), {"-V", "mqttv5", "-t", "ex/short", "-m", "s", "-r",
                                            "-D", "publish", "message-expiry-interval", "1"}) == 0);
        CHECK(mosquitto_pub(broker.port(), {"-V", "mqttv5", "-t", "ex/long", "-m", "l", "-r",
                                            "-D", "publish", "message-expiry-interval", "60"}) ==
              0);
        std::this_thread::sleep_for(std::chrono::milliseconds{2'200});
        mosquitto_sub sub{broker.port(), {"-V", "mqttv5", "--retained-only", "-t", "ex/#", "-W",
                                          "1"}};
        CHECK(sub.process().wait(std::chrono::seconds{5}) == 27);
        const auto got = sub.messages();
        REQUIRE(got.size() == 1);
        const bool remaining_ok = got[0] == "MSG|ex/long|l|0|1||58|" ||
                                  got[0] == "MSG|ex/long|l|0|1||57|";
        CHECK_MESSAGE(remaining_ok, got[0]);
    }

    TEST_CASE("mosquitto: Subscription Identifier and user properties come back on delivery") {
        emqxd_process broker;
        mosquitto_sub sub{broker.port(), {"-V", "mqttv5", "-t", "si/#", "-C", "1", "-D",
                                          "subscribe", "subscription-identifier", "42"}};
        REQUIRE_MESSAGE(sub.wait_subscribed(), sub.transcript());
        CHECK(mosquitto_pub(broker.port(), {"-V", "mqttv5", "-t", "si/1", "-m", "x", "-D",
                                            "publish", "user-property", "k", "v"}) == 0);
        CHECK(sub.process().wait(std::chrono::seconds{5}) == 0);
        CHECK(sub.messages() == std::vector<std::string>{"MSG|si/1|x|0|0|42||k:v"});
    }

    TEST_CASE("a v5 mosquitto_sub is told DISCONNECT 0x8B when the broker shuts down") {
        emqxd_process broker;
        mosquitto_sub sub{broker.port(), {"-V", "mqttv5", "-t", "bye/#"}};
        REQUIRE_MESSAGE(sub.wait_subscribed(), sub.transcript());
        CHECK(broker.stop() == 0);
        // libmosquitto prints the reason code of a server DISCONNECT in decimal.
        CHECK_MESSAGE(sub.wait_output("Received DISCONNECT (139)", std::chrono::seconds{5}),
                      sub.transcript());
        sub.process().stop();
    }
}
