// emqxctl completion: placeholder until the command lands; registers nothing.
#include "commands/command.hpp"

namespace emqx::ctl {

void register_completion(CLI::App& /*app*/, const global_options& /*globals*/, action& /*selected*/) {}

} // namespace emqx::ctl
