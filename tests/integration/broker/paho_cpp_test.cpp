// The real emqxd with Paho C++ async_client (v3.1.1 and v5) as the clients. Built only when
// CMake found PahoMqttCpp and defined EMQX_HAVE_PAHO_CPP (tests/integration/CMakeLists.txt).
#if defined(EMQX_HAVE_PAHO_CPP)

#include "emqxd_process.hpp"

#include <doctest/doctest.h>

#include <mqtt/async_client.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

using namespace emqx::test;

namespace {

constexpr auto wait_limit = std::chrono::seconds{5};

std::string uri(std::uint16_t port) {
    return "tcp://127.0.0.1:" + std::to_string(port);
}

// An async_client for `version` (MQTTVERSION_3_1_1 or MQTTVERSION_5), without persistence.
std::unique_ptr<mqtt::async_client> make_client(std::uint16_t port, const std::string& id,
                                                int version) {
    return std::make_unique<mqtt::async_client>(uri(port), id, mqtt::create_options(version));
}

// Starts connecting; Paho C++ 1.2.0 copies connect_options without re-pointing the C struct at
// the copied properties, so they are set again on a copy that outlives the connect() call.
mqtt::token_ptr start_connect(mqtt::async_client& client, const mqtt::connect_options& opts) {
    mqtt::connect_options local{opts};
    if (!opts.get_properties().empty()) {
        local.set_properties(opts.get_properties()); // v5 only: 3.1.1 must have none at all
    }
    return client.connect(local);
}

// Connects and returns the CONNACK as Paho reports it; fails the test on refusal or when it
// takes longer than wait_limit. (Paho C delays a connect made while another of its clients is
// connected by about 2 s, so tests connect their clients together or one at a time.)
mqtt::connect_response connect(mqtt::async_client& client, const mqtt::connect_options& opts) {
    auto token = start_connect(client, opts);
    REQUIRE(token->wait_for(wait_limit));
    return token->get_connect_response();
}

// Connects two clients at once.
void connect_both(mqtt::async_client& a, mqtt::async_client& b, const mqtt::connect_options& opts) {
    auto first = start_connect(a, opts);
    auto second = start_connect(b, opts);
    REQUIRE(first->wait_for(wait_limit));
    REQUIRE(second->wait_for(wait_limit));
}

mqtt::connect_options v311_options(bool clean = true) {
    return mqtt::connect_options_builder().mqtt_version(MQTTVERSION_3_1_1).clean_session(clean)
        .finalize();
}

mqtt::connect_options v5_options(bool clean = true, int session_expiry = 0) {
    return mqtt::connect_options_builder()
        .mqtt_version(MQTTVERSION_5)
        .clean_start(clean)
        .properties({{mqtt::property::SESSION_EXPIRY_INTERVAL, session_expiry}})
        .finalize();
}

void disconnect(mqtt::async_client& client) {
    if (client.is_connected()) {
        client.disconnect()->wait_for(wait_limit);
    }
}

} // namespace

TEST_SUITE("integration::paho_cpp") {
    TEST_CASE("Paho C++ 3.1.1 clients exchange QoS 0, 1 and 2 messages") {
        emqxd_process broker;
        auto sub = make_client(broker.port(), "pc-sub", MQTTVERSION_3_1_1);
        auto pub = make_client(broker.port(), "pc-pub", MQTTVERSION_3_1_1);
        sub->start_consuming();
        // "text" + number, appended: the + form makes GCC 12 -O3 warn (-Wrestrict).
        const auto numbered = [](std::string text, int n) { return text += std::to_string(n); };
        connect_both(*sub, *pub, v311_options());
        REQUIRE(sub->subscribe("pc/#", 2)->wait_for(wait_limit));
        for (int qos = 0; qos <= 2; ++qos) {
            auto token = pub->publish(numbered("pc/", qos), numbered("m", qos), qos, false);
            CHECK(token->wait_for(wait_limit));
        }
        for (int qos = 0; qos <= 2; ++qos) {
            CAPTURE(qos);
            const auto msg = sub->try_consume_message_for(wait_limit);
            REQUIRE(msg);
            CHECK(msg->get_topic() == numbered("pc/", qos));
            CHECK(msg->to_string() == numbered("m", qos));
            CHECK(msg->get_qos() == qos);
        }
        disconnect(*pub);
        disconnect(*sub);
    }

    TEST_CASE("a Paho C++ 3.1.1 persistent session gets what was published while it was away") {
        emqxd_process broker;
        auto sub = make_client(broker.port(), "pc-away", MQTTVERSION_3_1_1);
        CHECK_FALSE(connect(*sub, v311_options(false)).is_session_present());
        REQUIRE(sub->subscribe("away/1", 1)->wait_for(wait_limit));
        disconnect(*sub);
        auto pub = make_client(broker.port(), "pc-away-pub", MQTTVERSION_3_1_1);
        connect(*pub, v311_options());
        CHECK(pub->publish("away/1", "queued", 1, false)->wait_for(wait_limit));
        disconnect(*pub);
        auto back = make_client(broker.port(), "pc-away", MQTTVERSION_3_1_1);
        back->start_consuming();
        CHECK(connect(*back, v311_options(false)).is_session_present());
        const auto msg = back->try_consume_message_for(wait_limit);
        REQUIRE(msg);
        CHECK(msg->to_string() == "queued");
        disconnect(*back);
    }

    TEST_CASE("Paho C++ v5 reads our CONNACK limits and gets properties forwarded") {
        emqxd_process broker;
        auto sub = make_client(broker.port(), "pc5-sub", MQTTVERSION_5);
        auto pub = make_client(broker.port(), "pc5-pub", MQTTVERSION_5);
        auto pub_connected = start_connect(*pub, v5_options());
        const auto ack = connect(*sub, v5_options());
        REQUIRE(pub_connected->wait_for(wait_limit));
        const auto& props = ack.get_properties();
        CHECK(mqtt::get<uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM) == 128);
        CHECK(mqtt::get<uint16_t>(props, mqtt::property::TOPIC_ALIAS_MAXIMUM) == 64);
        CHECK(mqtt::get<uint32_t>(props, mqtt::property::MAXIMUM_PACKET_SIZE) == 1U << 20U);
        sub->start_consuming();
        const mqtt::properties sub_props{{mqtt::property::SUBSCRIPTION_IDENTIFIER, 77}};
        REQUIRE(sub->subscribe("pc5/#", 1, mqtt::subscribe_options{}, sub_props)
                    ->wait_for(wait_limit));

        auto msg = mqtt::message_ptr_builder()
                       .topic("pc5/t")
                       .payload("hello")
                       .qos(1)
                       .properties({{mqtt::property::USER_PROPERTY, "who", "paho-cpp"},
                                    {mqtt::property::MESSAGE_EXPIRY_INTERVAL, 300},
                                    {mqtt::property::CONTENT_TYPE, "text/plain"}})
                       .finalize();
        CHECK(pub->publish(msg)->wait_for(wait_limit));
        const auto got = sub->try_consume_message_for(wait_limit);
        REQUIRE(got);
        CHECK(got->to_string() == "hello");
        CHECK(got->get_qos() == 1);
        const auto& in = got->get_properties();
        CHECK(mqtt::get<int32_t>(in, mqtt::property::SUBSCRIPTION_IDENTIFIER) == 77);
        CHECK(mqtt::get<std::string>(in, mqtt::property::CONTENT_TYPE) == "text/plain");
        const auto user = mqtt::get<mqtt::string_pair>(in, mqtt::property::USER_PROPERTY);
        CHECK(std::get<0>(user) == "who");
        CHECK(std::get<1>(user) == "paho-cpp");
        const auto left = mqtt::get<uint32_t>(in, mqtt::property::MESSAGE_EXPIRY_INTERVAL);
        CHECK(left <= 300U);
        CHECK(left >= 298U);
        disconnect(*pub);
        disconnect(*sub);
    }

    TEST_CASE("a Paho C++ v5 session with Session Expiry is resumed with its queued message") {
        emqxd_process broker;
        auto sub = make_client(broker.port(), "pc5-away", MQTTVERSION_5);
        CHECK_FALSE(connect(*sub, v5_options(false, 60)).is_session_present());
        REQUIRE(sub->subscribe("away5/1", 2)->wait_for(wait_limit));
        disconnect(*sub);
        auto pub = make_client(broker.port(), "pc5-away-pub", MQTTVERSION_5);
        connect(*pub, v5_options());
        CHECK(pub->publish("away5/1", "queued", 2, false)->wait_for(wait_limit));
        disconnect(*pub);
        auto back = make_client(broker.port(), "pc5-away", MQTTVERSION_5);
        back->start_consuming();
        CHECK(connect(*back, v5_options(false, 60)).is_session_present());
        const auto msg = back->try_consume_message_for(wait_limit);
        REQUIRE(msg);
        CHECK(msg->to_string() == "queued");
        CHECK(msg->get_qos() == 2);
        disconnect(*back);
    }

    TEST_CASE("of two Paho C++ v5 clients with one client id, the broker keeps one connected "
              "[MQTT-3.1.4-3]") {
        emqxd_process broker;
        auto first = make_client(broker.port(), "pc5-twin", MQTTVERSION_5);
        auto second = make_client(broker.port(), "pc5-twin", MQTTVERSION_5);
        connect_both(*first, *second, v5_options());
        const auto deadline = std::chrono::steady_clock::now() + wait_limit;
        while (first->is_connected() && second->is_connected() &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds{10});
        }
        // Paho's automatic reconnect is off: the one taken over stays disconnected.
        std::this_thread::sleep_for(std::chrono::milliseconds{200});
        CHECK(first->is_connected() != second->is_connected());
        disconnect(*first);
        disconnect(*second);
    }
}

#endif
