// kipvsctl-docgen man|bash: writes kipvsctl(1) or the bash completion from cli_spec.cpp (run at build time).

#include <iostream>
#include <string>
#include <string_view>

#include "cli_spec.hpp"
#include "dbus/bus_names.hpp"

namespace {

using namespace kipvs::ctl;

// roff: escape backslashes and leading dots/quotes; hyphens as \-.
std::string roff(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c == '\n') {
      out += "\n.br\n";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out.front() == '.' || out.front() == '\'')) {
    out.insert(0, "\\&");
  }
  return out;
}

void man() {
  std::cout << ".TH KIPVSCTL 1 \"\" \"kipvs " << kipvs::dbus::kVersion << "\" \"User Commands\"\n"
            << ".SH NAME\nkipvsctl \\- inspect and steer kipvsd, the IPVS service proxy\n"
            << ".SH SYNOPSIS\n.B kipvsctl\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
            << ".SH DESCRIPTION\nkipvsctl talks to kipvsd over D-Bus (" << roff(kipvs::dbus::kBusName)
            << " at " << roff(kipvs::dbus::kRootPath)
            << ") and shows what it programmed into the kernel's IPVS tables, with the Kubernetes names "
               "behind every entry. Reading is open to everyone; resync, drain, undrain and log\\-level need "
               "root or membership in group "
            << kipvs::dbus::kAdminGroup << ".\n.SH COMMANDS\n";
  for (const auto& c : commands()) {
    std::cout << ".TP\n.B " << roff(c.name) << (c.synopsis.empty() ? "" : " ") << roff(c.synopsis) << '\n'
              << roff(c.summary) << ".\n";
    if (!c.details.empty()) {
      std::cout << roff(c.details) << '\n';
    }
  }
  std::cout << ".SH OPTIONS\n";
  for (const auto& o : globalOptions()) {
    std::cout << ".TP\n.B " << roff(o.name) << '\n' << roff(o.help) << ".\n";
  }
  std::cout << ".SH JSON OUTPUT\n" << roff(jsonDescription()) << '\n' << ".SH EXIT STATUS\n";
  for (const auto& e : exitCodes()) {
    std::cout << ".TP\n.B " << e.code << '\n' << roff(e.meaning) << ".\n";
  }
  std::cout << ".SH SEE ALSO\n.BR kipvsd (8),\n.BR busctl (1),\n.BR ipvsadm (8)\n";
}

void bash() {
  std::string names;
  std::string options;
  for (const auto& c : commands()) {
    names += std::string(names.empty() ? "" : " ") + std::string(c.name);
  }
  for (const auto& o : globalOptions()) {
    options += std::string(options.empty() ? "" : " ") + std::string(o.name);
  }
  std::cout << "# bash completion for kipvsctl, generated from client/cli_spec.cpp\n"
            << "_kipvsctl() {\n"
            << "  local cur=${COMP_WORDS[COMP_CWORD]} command= i\n"
            << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
            << "    case ${COMP_WORDS[i]} in --*) ;; *) command=${COMP_WORDS[i]}; break ;; esac\n"
            << "  done\n"
            << "  if [[ $cur == --* ]]; then COMPREPLY=($(compgen -W '" << options
            << "' -- \"$cur\")); return; fi\n"
            << "  if [[ -z $command ]]; then COMPREPLY=($(compgen -W '" << names
            << "' -- \"$cur\")); return; fi\n"
            << "  [[ $i -eq $((COMP_CWORD - 1)) ]] || return\n"
            << "  case $command in\n";
  for (const auto& c : commands()) {
    if (!c.completion.empty()) {
      std::cout << "    " << c.name << ") COMPREPLY=($(compgen -W '" << c.completion
                << "' -- \"$cur\")) ;;\n";
    }
  }
  std::cout << "  esac\n}\ncomplete -F _kipvsctl kipvsctl\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "man") {
    man();
  } else if (what == "bash") {
    bash();
  } else {
    std::cerr << "usage: kipvsctl-docgen man|bash\n";
    return 2;
  }
  return 0;
}
