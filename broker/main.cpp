// emqxd's entry point: everything is in the broker library (node/node.cpp), so that it can be
// tested; this file only hands over the command line and returns the exit status.
#include "node/node.hpp"

int main(int argc, char** argv) {
    return emqx::broker::node::run_emqxd(argc, argv);
}
