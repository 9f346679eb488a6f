// Judging the cells of `cluster test`: every message once and in order passes; loss,
// duplicates, disorder fail; an unreachable node makes the whole UNKNOWN.
#include <emqx/health/cluster_test.hpp>

#include <doctest/doctest.h>

using namespace emqx::health;

namespace {

pair_result seen(int sent, int received, int duplicates = 0, int out_of_order = 0) {
    pair_result r;
    r.publisher = "node1";
    r.subscriber = "node2";
    r.qos = 1;
    r.sent = sent;
    r.received = received;
    r.duplicates = duplicates;
    r.out_of_order = out_of_order;
    return r;
}

} // namespace

TEST_SUITE("health::cluster_test") {
    TEST_CASE("every message received once and in order passes") {
        const auto r = judge_pair(seen(10, 10));
        CHECK(r.outcome == pair_outcome::pass);
        CHECK(r.error.empty());
    }

    TEST_CASE("lost, duplicated and reordered messages fail, each named") {
        CHECK(judge_pair(seen(10, 7)).error == "3 of 10 messages not received");
        CHECK(judge_pair(seen(10, 10, 2)).error == "2 duplicate(s)");
        CHECK(judge_pair(seen(10, 10, 0, 1)).error == "1 out of order");
        CHECK(judge_pair(seen(10, 9, 1)).outcome == pair_outcome::fail);
    }

    TEST_CASE("a cell with an error from the run fails even when the counts look fine") {
        auto r = seen(0, 0);
        r.error = "no route";
        CHECK(judge_pair(r).outcome == pair_outcome::fail);
        CHECK(judge_pair(seen(0, 0)).outcome == pair_outcome::fail);
    }

    TEST_CASE("the verdict: all pass OK, a failure CRITICAL, an unreachable node UNKNOWN") {
        auto pass = judge_pair(seen(5, 5));
        auto fail = judge_pair(seen(5, 4));
        auto gone = seen(0, 0);
        gone.outcome = pair_outcome::unreachable;
        CHECK(judge_test({pass, pass}) == cluster_verdict::ok);
        CHECK(judge_test({pass, fail}) == cluster_verdict::critical);
        CHECK(judge_test({fail, gone}) == cluster_verdict::unknown);
        CHECK(judge_test({}) == cluster_verdict::unknown);
    }

    TEST_CASE("the text prints a matrix per QoS and SUCCESS or FAILURE; JSON has the schema") {
        cluster_test_report report;
        report.node_ids = {"node1", "node2"};
        report.qos = {1};
        report.count = 5;
        for (const char* pub : {"node1", "node2"}) {
            for (const char* sub : {"node1", "node2"}) {
                auto r = seen(5, std::string{pub} == "node2" && std::string{sub} == "node1" ? 3 : 5);
                r.publisher = pub;
                r.subscriber = sub;
                report.results.push_back(judge_pair(r));
            }
        }
        report.verdict = judge_test(report.results);
        const auto text = to_text(report);
        CHECK(text.find("FAIL lost 2") != std::string::npos);
        CHECK(text.find("FAILURE: 3 of 4 checks passed") != std::string::npos);
        CHECK(text.find("QoS 1 node2 -> node1: 2 of 5 messages not received") != std::string::npos);
        CHECK(text.find('\033') == std::string::npos);
        const auto coloured = to_text(report, true);
        CHECK(coloured.find("\033[31mFAIL lost 2\033[0m") != std::string::npos);
        CHECK(coloured.find("\033[32mok 0.0ms\033[0m") != std::string::npos);
        CHECK(coloured.find("\033[31mFAILURE: 3 of 4 checks passed\033[0m") != std::string::npos);
        const auto doc = to_json(report);
        CHECK(doc["schema"] == "emqxctl.cluster-test/1");
        CHECK(doc["success"] == false);
        CHECK(doc["results"].size() == 4);
        CHECK(doc["results"][2]["received"] == 3);
        CHECK(doc["results"][2]["check"] == "delivery");
    }

    TEST_CASE("retained cells get their own matrix and are named 'retained' in failures") {
        cluster_test_report report;
        report.node_ids = {"node1", "node2"};
        report.qos = {1};
        report.count = 1;
        auto delivered = judge_pair(seen(1, 1));
        auto retained = seen(1, 0);
        retained.check = pair_check::retained;
        retained.error = "a retained message set on node1 was not delivered to a new subscription on node2";
        report.results = {delivered, retained};
        report.verdict = judge_test(report.results);
        const auto text = to_text(report);
        CHECK(text.find("retained (rows set a retained message, columns subscribe afterwards)") !=
              std::string::npos);
        CHECK(text.find("retained node1 -> node2: a retained message set on node1") != std::string::npos);
        CHECK(to_json(report)["results"][1]["check"] == "retained");
        CHECK(report.verdict == cluster_verdict::critical);
    }
}
