// One cell of `cluster test` over MQTT with Paho C++ (see cluster_test.hpp). Paho's exceptions
// stop here: they become the cell's error line.
#include <emqx/health/cluster_test.hpp>

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

namespace emqx::health {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::string_view warmup_payload = "warmup";

/// The rounds of retained and shared cells, after the QoS rounds.
constexpr int retained_round = -1;
constexpr int shared_round = -2;

std::string unique_suffix() {
    static std::atomic<unsigned> counter{0};
    static const unsigned salt = std::random_device{}();
    return std::to_string(::getpid()) + "-" + std::to_string(salt % 100000) + "-" +
           std::to_string(counter.fetch_add(1));
}

std::string uri_of(const client::host_port& address) {
    return "tcp://" + client::to_string(address);
}

mqtt::connect_options connect_options_for(const cluster_test_options& o) {
    auto builder = mqtt::connect_options_builder()
                       .clean_session(true)
                       .mqtt_version(MQTTVERSION_3_1_1)
                       .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(o.timeout) +
                                        std::chrono::seconds{1});
    if (!o.username.empty()) {
        builder.user_name(o.username);
    }
    if (!o.password.empty()) {
        builder.password(o.password);
    }
    return builder.finalize();
}

/// One client to connect and the node it connects to.
struct connecting {
    mqtt::async_client* client;
    const test_node* node;
};

std::runtime_error cannot_connect(const test_node& node, const std::string& why) {
    return std::runtime_error("cannot connect to " + node.node_id + " (" +
                              client::to_string(node.mqtt) + "): " + why);
}

/// Connects every client at once, or throws a std::runtime_error naming the first broker that
/// failed. At once, because Paho C serves every client of a process from one I/O thread that
/// polls with a ~1 s timeout: a connect started while another client is already connected
/// waits for that poll; connects started together do not.
void connect_all(const std::vector<connecting>& clients, const cluster_test_options& o) {
    std::vector<mqtt::token_ptr> tokens;
    for (const auto& c : clients) {
        try {
            tokens.push_back(c.client->connect(connect_options_for(o)));
        } catch (const mqtt::exception& e) {
            throw cannot_connect(*c.node, e.what());
        }
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        try {
            if (!tokens[i]->wait_for(o.timeout)) {
                throw std::runtime_error("no CONNACK from " + clients[i].node->node_id +
                                         " within the timeout");
            }
        } catch (const mqtt::exception& e) {
            throw cannot_connect(*clients[i].node, e.what());
        }
    }
}

struct stamp {
    int seq = -1;
    long long sent_ns = 0;
};

/// "seq <n> <steady ns>" -> the stamp; a warm-up or foreign payload gives seq -1.
stamp parse_stamp(const std::string& payload) {
    stamp s;
    if (!payload.starts_with("seq ")) {
        return s;
    }
    const char* begin = payload.data() + 4;
    const char* end = payload.data() + payload.size();
    auto [after_seq, e1] = std::from_chars(begin, end, s.seq);
    if (e1 != std::errc{} || after_seq == end) {
        return stamp{};
    }
    std::from_chars(after_seq + 1, end, s.sent_ns);
    return s;
}

long long now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
        .count();
}

/// Publishes warm-ups until every reader got one: a cross-node route may reach `pub`'s node
/// after the SUBACK, so a missing warm-up means "not yet" until the deadline.
bool wait_for_routes(mqtt::async_client& pub, const std::string& topic, int qos,
                     const std::vector<mqtt::async_client*>& readers,
                     clock_type::time_point deadline) {
    std::vector<bool> warmed(readers.size(), false);
    while (clock_type::now() < deadline) {
        pub.publish(topic, warmup_payload.data(), warmup_payload.size(), qos, false)
            ->wait_for(std::chrono::seconds{1});
        const auto until = std::min(deadline, clock_type::now() + std::chrono::milliseconds{150});
        do {
            for (std::size_t i = 0; i < readers.size(); ++i) {
                mqtt::const_message_ptr m;
                while (readers[i]->try_consume_message(&m)) {
                    warmed[i] = warmed[i] || (m && m->get_payload_str() == warmup_payload);
                }
            }
            if (std::count(warmed.begin(), warmed.end(), true) == static_cast<long>(warmed.size())) {
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
        } while (clock_type::now() < until);
    }
    return false;
}

/// Publishes the numbered sequence ("seq <n> <steady ns>"), counting what was sent.
void publish_sequence(mqtt::async_client& pub, const std::string& topic, int qos, int count,
                      std::chrono::milliseconds timeout, pair_result& r) {
    for (int seq = 0; seq < count; ++seq) {
        const std::string payload = "seq " + std::to_string(seq) + " " + std::to_string(now_ns());
        pub.publish(topic, payload.data(), payload.size(), qos, false)->wait_for(timeout);
        ++r.sent;
    }
}

/// Collects the sequence until all `count` arrived and a short linger (for duplicates) passed.
void collect(mqtt::async_client& sub, pair_result& r, int count, clock_type::time_point deadline,
             std::vector<double>& latencies) {
    std::set<int> seen;
    int last = -1;
    auto stop_at = deadline;
    mqtt::const_message_ptr message;
    while (clock_type::now() < stop_at) {
        if (!sub.try_consume_message_until(&message, stop_at) || !message) {
            continue;
        }
        const auto s = parse_stamp(message->get_payload_str());
        if (s.seq < 0 || s.seq >= count) {
            continue;
        }
        latencies.push_back(static_cast<double>(now_ns() - s.sent_ns) / 1e6);
        if (!seen.insert(s.seq).second) {
            ++r.duplicates;
            continue;
        }
        r.out_of_order += s.seq < last ? 1 : 0;
        last = std::max(last, s.seq);
        if (static_cast<int>(seen.size()) == count) {
            stop_at = std::min(deadline, clock_type::now() + std::chrono::milliseconds{100});
        }
    }
    r.received = static_cast<int>(seen.size());
}

void disconnect_quietly(mqtt::async_client& client) {
    try {
        if (client.is_connected()) {
            // No quiesce time: the cell is over, nothing is left to flush.
            client.disconnect(0)->wait_for(std::chrono::milliseconds{300});
        }
    } catch (const mqtt::exception&) {
        // Best effort: the cell's result is already known.
    }
}

} // namespace

pair_result run_pair(const test_node& pub_node, const test_node& sub_node, int qos,
                     const cluster_test_options& options) {
    pair_result r;
    r.publisher = pub_node.node_id;
    r.subscriber = sub_node.node_id;
    r.qos = qos;
    const std::string suffix = unique_suffix();
    const std::string topic = "emqxctl/cluster-test/" + suffix + "/" + pub_node.node_id + "-" +
                              sub_node.node_id + "-q" + std::to_string(qos);
    mqtt::async_client sub{uri_of(sub_node.mqtt), "emqxctl-ct-s-" + suffix};
    mqtt::async_client pub{uri_of(pub_node.mqtt), "emqxctl-ct-p-" + suffix};
    std::vector<double> latencies;
    try {
        sub.start_consuming();
        connect_all({{&sub, &sub_node}, {&pub, &pub_node}}, options);
    } catch (const std::exception& e) {
        r.outcome = pair_outcome::unreachable;
        r.error = e.what();
        disconnect_quietly(sub);
        disconnect_quietly(pub);
        return r;
    }
    try {
        const auto deadline = clock_type::now() + options.timeout;
        // The publisher hears its own topic too, so that its node sends data back at once:
        // Paho C does not set TCP_NODELAY, and without a reply to carry the TCP ACK the
        // receiver's delayed ACK (40 ms) would hold every QoS 0 publish behind the one before.
        auto echo = pub.subscribe(topic, 0);
        sub.subscribe(topic, qos)->wait_for(options.timeout);
        echo->wait_for(options.timeout);
        if (!wait_for_routes(pub, topic, qos, {&sub}, deadline)) {
            r.error = "no route: a warm-up message published on " + pub_node.node_id +
                      " never reached the subscriber on " + sub_node.node_id;
        } else {
            publish_sequence(pub, topic, qos, options.count, options.timeout, r);
            collect(sub, r, options.count, clock_type::now() + options.timeout, latencies);
        }
    } catch (const std::exception& e) {
        r.error = std::string{"MQTT error: "} + e.what();
    }
    disconnect_quietly(pub);
    disconnect_quietly(sub);
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        r.latency_p50_ms = latencies[latencies.size() / 2];
        r.latency_max_ms = latencies.back();
    }
    return r.error.empty() ? judge_pair(r) : r;
}

pair_result run_retained_pair(const test_node& pub_node, const test_node& sub_node,
                              const cluster_test_options& options) {
    pair_result r;
    r.check = pair_check::retained;
    r.publisher = pub_node.node_id;
    r.subscriber = sub_node.node_id;
    r.qos = 1;
    const std::string suffix = unique_suffix();
    const std::string topic = "emqxctl/cluster-test/" + suffix + "/retained";
    const std::string payload = "retained " + suffix;
    mqtt::async_client sub{uri_of(sub_node.mqtt), "emqxctl-ct-s-" + suffix};
    mqtt::async_client pub{uri_of(pub_node.mqtt), "emqxctl-ct-p-" + suffix};
    try {
        sub.start_consuming();
        connect_all({{&pub, &pub_node}, {&sub, &sub_node}}, options);
    } catch (const std::exception& e) {
        r.outcome = pair_outcome::unreachable;
        r.error = e.what();
        disconnect_quietly(sub);
        disconnect_quietly(pub);
        return r;
    }
    try {
        const auto sent_at = clock_type::now();
        const auto deadline = sent_at + options.timeout;
        pub.publish(topic, payload.data(), payload.size(), 1, true)->wait_for(options.timeout);
        r.sent = 1;
        // Retained state reaches other nodes asynchronously: subscribe again until it shows.
        while (r.received == 0 && clock_type::now() < deadline) {
            sub.subscribe(topic, 1)->wait_for(options.timeout);
            const auto until = std::min(deadline, clock_type::now() + std::chrono::milliseconds{200});
            mqtt::const_message_ptr message;
            while (r.received == 0 && sub.try_consume_message_until(&message, until)) {
                if (message && message->is_retained() && message->get_payload_str() == payload) {
                    r.received = 1;
                    r.latency_p50_ms = r.latency_max_ms =
                        std::chrono::duration<double, std::milli>(clock_type::now() - sent_at).count();
                }
            }
            sub.unsubscribe(topic)->wait_for(options.timeout);
        }
        pub.publish(topic, "", 0, 1, true)->wait_for(options.timeout); // clears it
        if (r.received == 0) {
            r.error = "a retained message set on " + pub_node.node_id + " was not delivered to a "
                      "new subscription on " + sub_node.node_id;
        }
    } catch (const std::exception& e) {
        r.error = std::string{"MQTT error: "} + e.what();
    }
    disconnect_quietly(pub);
    disconnect_quietly(sub);
    return r.error.empty() ? judge_pair(r) : r;
}

namespace {

/// Reads every member until the whole sequence arrived and a short linger passed (for
/// duplicates), or the deadline: the members are read together, not one after another.
void collect_shared(const std::vector<mqtt::async_client*>& members, pair_result& r, int count,
                    clock_type::time_point deadline) {
    std::vector<int> times_seen(static_cast<std::size_t>(count), 0);
    std::vector<bool> reached(members.size(), false);
    auto stop_at = deadline;
    while (clock_type::now() < stop_at) {
        bool any = false;
        for (std::size_t i = 0; i < members.size(); ++i) {
            mqtt::const_message_ptr m;
            while (members[i]->try_consume_message(&m)) {
                any = true;
                const auto s = m ? parse_stamp(m->get_payload_str()) : stamp{};
                if (s.seq < 0 || s.seq >= count) {
                    continue;
                }
                reached[i] = true;
                if (times_seen[static_cast<std::size_t>(s.seq)]++ == 0) {
                    ++r.received;
                } else {
                    ++r.duplicates;
                }
            }
        }
        if (any && r.received == count) {
            stop_at = std::min(deadline, clock_type::now() + std::chrono::milliseconds{100});
        }
        if (!any) {
            std::this_thread::sleep_for(std::chrono::milliseconds{2});
        }
    }
    r.members_reached = static_cast<int>(std::count(reached.begin(), reached.end(), true));
}

} // namespace

pair_result run_shared_pair(const test_node& pub_node, const cluster_test_options& options) {
    pair_result r;
    r.check = pair_check::shared;
    r.publisher = pub_node.node_id;
    r.subscriber = "all";
    r.qos = 1;
    const std::string suffix = unique_suffix();
    const std::string topic = "emqxctl/cluster-test/" + suffix + "/shared";
    const std::string filter = "$share/emqxctl-" + suffix + "/" + topic;
    std::vector<std::unique_ptr<mqtt::async_client>> members;
    mqtt::async_client pub{uri_of(pub_node.mqtt), "emqxctl-ct-p-" + suffix};
    std::vector<connecting> all{{&pub, &pub_node}};
    std::vector<mqtt::async_client*> readers;
    for (std::size_t i = 0; i < options.nodes.size(); ++i) {
        const auto& node = options.nodes[i];
        members.push_back(std::make_unique<mqtt::async_client>(
            uri_of(node.mqtt), "emqxctl-ct-m" + std::to_string(i) + "-" + suffix));
        members.back()->start_consuming();
        all.push_back({members.back().get(), &node});
        readers.push_back(members.back().get());
    }
    try {
        connect_all(all, options);
        std::vector<mqtt::token_ptr> subscribed;
        for (auto& member : members) {
            subscribed.push_back(member->subscribe(filter, 1));
        }
        for (auto& token : subscribed) {
            token->wait_for(options.timeout);
        }
    } catch (const std::exception& e) {
        r.outcome = pair_outcome::unreachable;
        r.error = e.what();
    }
    try {
        const auto deadline = clock_type::now() + options.timeout;
        if (r.outcome == pair_outcome::unreachable) {
            // Nothing to test: the publisher or a member is not connected.
        } else if (!wait_for_routes(pub, topic, 1, readers, deadline)) {
            r.error = "no route: warm-up messages published on " + pub_node.node_id +
                      " did not reach a member on every node";
        } else {
            publish_sequence(pub, topic, 1, options.count, options.timeout, r);
            collect_shared(readers, r, options.count, clock_type::now() + options.timeout);
        }
    } catch (const std::exception& e) {
        r.error = std::string{"MQTT error: "} + e.what();
    }
    for (auto& member : members) {
        disconnect_quietly(*member);
    }
    disconnect_quietly(pub);
    if (r.outcome == pair_outcome::unreachable) {
        return r;
    }
    return r.error.empty() ? judge_pair(r) : r;
}

cluster_test_report run_cluster_test(const cluster_test_options& options) {
    cluster_test_report report;
    report.qos = options.qos;
    report.count = options.count;
    for (const auto& n : options.nodes) {
        report.node_ids.push_back(n.node_id);
    }
    // The pairs of one round run at the same time: a missing route costs one timeout, not one
    // per pair. Each pair has its own clients and topic, so they cannot disturb each other.
    std::vector<int> rounds = options.qos;
    rounds.push_back(retained_round);
    rounds.push_back(shared_round);
    for (const int round : rounds) {
        std::vector<std::future<pair_result>> pending;
        for (const auto& pub : options.nodes) {
            if (round == shared_round) {
                pending.push_back(std::async(std::launch::async, [&pub, &options] {
                    return run_shared_pair(pub, options);
                }));
                continue;
            }
            for (const auto& sub : options.nodes) {
                pending.push_back(std::async(std::launch::async, [&pub, &sub, round, &options] {
                    return round == retained_round ? run_retained_pair(pub, sub, options)
                                                   : run_pair(pub, sub, round, options);
                }));
            }
        }
        for (auto& p : pending) {
            report.results.push_back(p.get());
            const auto& r = report.results.back();
            if (options.progress) {
                options.progress((round == retained_round ? std::string{"retained "}
                                  : round == shared_round ? std::string{"shared "}
                                                          : "QoS " + std::to_string(round) + " ") +
                                 r.publisher + " -> " + r.subscriber + ": " +
                                 std::string{to_string(r.outcome)});
            }
        }
    }
    report.verdict = judge_test(report.results);
    return report;
}

} // namespace emqx::health
