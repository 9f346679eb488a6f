// The host as the load generator reads it: /proc/net/tcp, /proc/PID/status, /metrics text,
// /proc/cpuinfo, the open-file limit, and pacing and source-address arithmetic.
#include <emqx/perf/connections.hpp>
#include <emqx/perf/system.hpp>

#include <doctest/doctest.h>

#include <unistd.h>

using namespace emqx::perf;

TEST_SUITE("perf::system") {
    TEST_CASE("listening_inodes finds sockets in state 0A on the port, and only those") {
        const char* text =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
            "timeout inode\n"
            "   0: 0100007F:075B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 "
            "       0 12345 1 0000000000000000 100 0 0 10 0\n"
            "   1: 0100007F:075B 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0 "
            "       0 22222 1 0000000000000000 20 4 30 10 -1\n"
            "   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 "
            "       0 33333 1 0000000000000000 100 0 0 10 0\n";
        CHECK(listening_inodes(text, 1883) == std::vector<std::uint64_t>{12345});
        CHECK(listening_inodes(text, 8080) == std::vector<std::uint64_t>{33333});
        CHECK(listening_inodes(text, 1884).empty());
        CHECK(listening_inodes("", 1883).empty());
    }

    TEST_CASE("parse_vm_rss reads kilobytes and returns bytes") {
        CHECK(parse_vm_rss("Name:\tx\nVmRSS:\t    8504 kB\nVmData: 1 kB\n") == 8504U * 1024U);
        CHECK_FALSE(parse_vm_rss("Name:\tx\n").has_value());
    }

    TEST_CASE("this process's own memory can be read from /proc") {
        const auto rss = process_rss_bytes(static_cast<int>(::getpid()));
        REQUIRE(rss.has_value());
        CHECK(*rss > 1024U * 1024U);
    }

    TEST_CASE("find_metric reads a sample with or without labels, not a longer name") {
        const char* text = "# HELP process_resident_memory_bytes Resident memory.\n"
                           "process_resident_memory_bytes_total 1\n"
                           "process_resident_memory_bytes{node=\"a\"} 4.5e+07\n";
        CHECK(find_metric(text, "process_resident_memory_bytes") == doctest::Approx(4.5e7));
        CHECK(find_metric("process_resident_memory_bytes 123\n", "process_resident_memory_bytes") ==
              123.0);
        CHECK_FALSE(find_metric("other 1\n", "process_resident_memory_bytes").has_value());
    }

    TEST_CASE("parse_cpu_model takes the first processor's model name") {
        CHECK(parse_cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags: x\n") ==
              "AMD EPYC 7B13");
        CHECK(parse_cpu_model("processor\t: 0\n").empty());
    }

    TEST_CASE("the environment fingerprint names the cores, the kernel and the limits") {
        const auto e = read_environment();
        CHECK(e.cores >= 1);
        CHECK(e.kernel.rfind("Linux ", 0) == 0);
        CHECK(e.nofile_soft > 0);
        CHECK(e.nofile_hard >= e.nofile_soft);
        CHECK_FALSE(e.tool_version.empty());
    }

    TEST_CASE("raise_fd_limit never lowers the limit and says when it is enough") {
        const auto small = raise_fd_limit(16);
        CHECK(small.soft >= small.soft_before);
        CHECK(small.enough());
        const auto huge = raise_fd_limit(std::uint64_t{1} << 40);
        CHECK_FALSE(huge.enough());
        CHECK(huge.soft >= small.soft);
    }

    TEST_CASE("due_by paces starts: the first at once, then rate per second, never past total") {
        CHECK(due_by(0.0, 100.0, 1000) == 1);
        CHECK(due_by(0.5, 100.0, 1000) == 51);
        CHECK(due_by(1.0, 100.0, 1000) == 101);
        CHECK(due_by(100.0, 100.0, 1000) == 1000);
        CHECK(due_by(0.0, 0.0, 1000) == 1000);
        CHECK(due_by(0.0, 100.0, 0) == 0);
    }

    TEST_CASE("choose_sources spreads loopback connections over 127.0.0.x, 2000 each") {
        CHECK(choose_sources("127.0.0.1", 2000).empty());
        CHECK(choose_sources("127.0.0.1", 2001) ==
              std::vector<std::string>{"127.0.0.1", "127.0.0.2"});
        CHECK(choose_sources("127.0.0.1", 50'000).size() == 25);
        CHECK(choose_sources("10.1.2.3", 50'000).empty());
        CHECK(choose_sources("broker.example", 50'000).empty());
        CHECK(choose_sources("127.0.0.1", 10'000'000).size() == 254);
    }

    TEST_CASE("memory per connection is the growth over the connections held") {
        memory_reading m;
        CHECK_FALSE(m.per_connection(10).has_value());
        m.before = 1000;
        m.after = 21000;
        CHECK(m.per_connection(10) == 2000.0);
        CHECK_FALSE(m.per_connection(0).has_value());
    }
}
