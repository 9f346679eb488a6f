// Redaction: every form a secret takes in configs, logs and URLs is replaced, consistently.
#include <emqx/diag/redact.hpp>

#include <doctest/doctest.h>

#include <string>

using emqx::diag::redactor;

TEST_SUITE("diag::redactor") {
    TEST_CASE("YAML, JSON and key=value secrets are replaced and the keys kept") {
        redactor r;
        const auto yaml = r.redact("cluster:\n  cookie: s3cr3t-cookie\n  name: emqxd\nhttp:\n  auth_token: \"tok-123456\"\n");
        CHECK(yaml.find("s3cr3t-cookie") == std::string::npos);
        CHECK(yaml.find("tok-123456") == std::string::npos);
        CHECK(yaml.find("cookie: <redacted:1>") != std::string::npos);
        CHECK(yaml.find("name: emqxd") != std::string::npos);
        const auto json = r.redact(R"({"username":"bob","password":"hunter22","algorithm":"plain"})");
        CHECK(json == R"({"username":"bob","password":"<redacted:3>","algorithm":"plain"})");
        const auto line = r.redact("2026-11-22T08:00:00.000Z INFO config x password_hash=$2b$10$abcdefgh secret=\"a b c d\"");
        CHECK(line.find("$2b$10$abcdefgh") == std::string::npos);
        CHECK(line.find("a b c d") == std::string::npos);
        CHECK(line.find("password_hash=<redacted:") != std::string::npos);
    }

    TEST_CASE("the same secret gets the same placeholder everywhere, also without its key") {
        redactor r;
        const auto config = r.redact("cookie: s3cr3t-cookie\n");
        const auto log = r.redact("peer refused: bad cookie s3cr3t-cookie from node2");
        const auto again = r.redact("{\"cookie\":\"s3cr3t-cookie\"}");
        CHECK(config == "cookie: <redacted:1>\n");
        CHECK(log == "peer refused: bad cookie <redacted:1> from node2");
        CHECK(again == "{\"cookie\":\"<redacted:1>\"}");
        CHECK(r.secrets() == 1);
    }

    TEST_CASE("URL credentials and bearer tokens are replaced") {
        redactor r;
        const auto url = r.redact("peers: mqtt://admin:pa55word@10.0.0.1:1883/x");
        CHECK(url == "peers: mqtt://admin:<redacted:1>@10.0.0.1:1883/x");
        const auto header = r.redact("Authorization: Bearer abc.def-ghi");
        CHECK(header == "Authorization: Bearer <redacted:2>");
    }

    TEST_CASE("learned secrets are replaced anywhere, placeholders are left alone") {
        redactor r;
        r.learn("planted-secret-42");
        CHECK(r.redact("x planted-secret-42 y") == "x <redacted:1> y");
        CHECK(r.redact("password: <redacted>") == "password: <redacted>");
        CHECK(r.redact("password: \"\"") == "password: \"\"");
        CHECK(r.redact("no secrets here\n") == "no secrets here\n");
    }

    TEST_CASE("--no-redact keeps the text as it is") {
        redactor r{false};
        CHECK(r.redact("password: hunter22") == "password: hunter22");
    }
}
