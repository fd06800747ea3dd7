#include <map>

#include "runtime/program.h"

namespace inferlab {

namespace {
std::map<std::string, ProgramFactory>& engines() {
  static std::map<std::string, ProgramFactory> e;
  return e;
}
}  // namespace

bool register_engine(const std::string& name, ProgramFactory factory) {
  return engines().emplace(name, std::move(factory)).second;
}

const ProgramFactory* find_engine(const std::string& name) {
  auto it = engines().find(name);
  return it == engines().end() ? nullptr : &it->second;
}

}  // namespace inferlab
