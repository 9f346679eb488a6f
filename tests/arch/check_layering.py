#!/usr/bin/env python3
"""Fails when a component links or includes what DESIGN.md section 2 does not allow.

Usage: check_layering.py LINKS_FILE SOURCE_DIR
LINKS_FILE has one line per target, "target: lib lib ...", written by CMake at configure time.
The allowed arrows below are the ones ARCHITECTURE.md lists; change both together.
"""
import pathlib
import re
import sys

# Build-setting targets every target links; they carry flags, not code.
SETTINGS = {"emqx_build_settings", "emqx_warnings", "emqx_sanitizers"}

# Project libraries each target may link directly.
PROJECT = {"emqx_base", "emqx_mqtt", "emqx_broker_core", "emqx_client", "emqx_health",
           "emqx_perf", "emqx_diag"}
ALLOWED_PROJECT = {
    "emqx_base": set(),
    "emqx_mqtt": {"emqx_base"},
    "emqx_broker_core": {"emqx_base", "emqx_mqtt"},
    "emqxd": {"emqx_base", "emqx_mqtt", "emqx_broker_core"},
    "emqx_client": {"emqx_base", "emqx_mqtt"},
    "emqx_health": {"emqx_base", "emqx_client"},
    "emqx_perf": {"emqx_base", "emqx_client", "emqx_mqtt"},
    "emqx_diag": {"emqx_base", "emqx_client"},
    "emqxctl": {"emqx_base", "emqx_client", "emqx_health", "emqx_perf", "emqx_diag"},
}
# Third-party libraries, by a pattern of their target name, and who may link them.
THIRD_PARTY = [
    (re.compile(r"CLI11", re.I), {"emqxctl"}),
    (re.compile(r"Boost", re.I), {"emqx_broker_core", "emqxd", "emqx_perf"}),
    (re.compile(r"curl|paho", re.I), {"emqx_client", "emqx_health", "emqx_perf", "emqx_diag",
                                      "emqxctl"}),
    (re.compile(r"nlohmann", re.I), {"emqx_broker_core", "emqxd", "emqx_client", "emqx_health",
                                     "emqx_perf", "emqx_diag", "emqxctl"}),
    (re.compile(r"yaml|OpenSSL|crypt|argon2", re.I), {"emqx_broker_core", "emqxd", "emqx_client",
                                                     "emqx_diag", "emqxctl"}),
]
# The codec: standard library and its own and base's headers only (it must stay fuzzable).
CODEC_INCLUDE = re.compile(r'#\s*include\s*([<"])([^>"]+)[>"]')
STD_HEADER = re.compile(r"^[a-z_0-9]+$")


def check_links(links_file):
    problems = []
    for line in pathlib.Path(links_file).read_text().splitlines():
        target, _, libs = line.partition(":")
        for lib in libs.split():
            lib = re.sub(r"^\$<LINK_ONLY:(.*)>$", r"\1", lib)
            if lib in SETTINGS:
                continue
            if lib in PROJECT:
                if lib not in ALLOWED_PROJECT.get(target, set()):
                    problems.append(f"{target} links {lib}: not an allowed arrow")
                continue
            for pattern, allowed in THIRD_PARTY:
                if pattern.search(lib):
                    if target not in allowed:
                        problems.append(f"{target} links {lib}: only {sorted(allowed)} may")
                    break
            else:
                if target == "emqx_mqtt":
                    problems.append(f"emqx_mqtt links {lib}: the codec links nothing but base")
    return problems


def check_codec_includes(source_dir):
    problems = []
    root = pathlib.Path(source_dir) / "share" / "mqtt"
    for path in sorted(root.rglob("*.[ch]pp")):
        for number, text in enumerate(path.read_text().splitlines(), 1):
            match = CODEC_INCLUDE.match(text.strip())
            if not match:
                continue
            kind, header = match.groups()
            ok = (kind == '"' or header.startswith(("emqx/mqtt/", "emqx/base/"))
                  or STD_HEADER.match(header))
            if not ok:
                problems.append(f"{path.relative_to(source_dir)}:{number}: includes <{header}>;"
                                " the codec uses the standard library only")
    return problems


def main():
    problems = check_links(sys.argv[1]) + check_codec_includes(sys.argv[2])
    for p in problems:
        print(p)
    print(f"layering: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
