#include "inferlab/lab/fingerprint.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <google/protobuf/stubs/common.h>
#include <hwloc.h>
#include <sqlite3.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>

#include "inferlab/lab/results_store.h"

namespace inferlab::bench {
namespace {

std::string read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

std::string cpuinfo_field(const std::string& key) {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        auto v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        return v;
      }
    }
  }
  return "";
}

nlohmann::json topology() {
  nlohmann::json t;
  hwloc_topology_t topo;
  if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0) return t;
  auto count = [&](hwloc_obj_type_t type) { return hwloc_get_nbobjs_by_type(topo, type); };
  t["sockets"] = count(HWLOC_OBJ_PACKAGE);
  t["numa_nodes"] = count(HWLOC_OBJ_NUMANODE);
  t["physical_cores"] = count(HWLOC_OBJ_CORE);
  t["logical_cpus"] = count(HWLOC_OBJ_PU);
  auto cache = [&](hwloc_obj_type_t type) -> std::int64_t {
    hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, 0);
    return o && o->attr ? static_cast<std::int64_t>(o->attr->cache.size / 1024) : 0;
  };
  t["l1d_kb"] = cache(HWLOC_OBJ_L1CACHE);
  t["l2_kb"] = cache(HWLOC_OBJ_L2CACHE);
  t["l3_kb"] = cache(HWLOC_OBJ_L3CACHE);
  t["l3_count"] = count(HWLOC_OBJ_L3CACHE);
  hwloc_topology_destroy(topo);
  return t;
}

std::string onednn_version() {
  // The engine links oneDNN privately: ask the loaded library, if any, for its version.
  struct V {
    int major, minor, patch;
    const char* hash;
    unsigned cpu_runtime, gpu_runtime;
  };
  using Fn = const V* (*)();
  if (auto fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, "dnnl_version"))) {
    const V* v = fn();
    return fmt::format("{}.{}.{}", v->major, v->minor, v->patch);
  }
  return "not loaded";
}

}  // namespace

std::string current_command_line() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string out, arg;
  auto flush = [&] {
    arg = redact_command_line(arg);  // a postgresql:// URL's password never reaches a record
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"\\$*?;&|<>()") == std::string::npos;
    if (!out.empty()) out += ' ';
    if (plain) {
      out += arg;
    } else {
      std::string q = "'";
      for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += q + "'";
    }
    arg.clear();
  };
  for (char c : all) {
    if (c == '\0')
      flush();
    else
      arg += c;
  }
  if (!arg.empty()) flush();
  return out;
}

nlohmann::json collect_fingerprint(const std::string& command_line) {
  nlohmann::json fp;
  fp["cpu_model"] = cpuinfo_field("model name");
  std::set<std::string> flags;
  {
    std::istringstream ss(cpuinfo_field("flags"));
    for (std::string f; ss >> f;) flags.insert(f);
  }
  nlohmann::json isa;
  for (const char* f : {"avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16",
                        "avx_vnni", "amx_tile", "amx_bf16", "amx_int8"})
    isa[f] = flags.count(f) > 0;
  isa["amx"] = flags.count("amx_tile") > 0;
  fp["isa"] = isa;
  fp["topology"] = topology();
  fp["online_cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  fp["memory_mb"] = static_cast<std::int64_t>(sysconf(_SC_PHYS_PAGES)) *
                    static_cast<std::int64_t>(sysconf(_SC_PAGE_SIZE)) / (1024 * 1024);
  // Either may be absent (virtual machines, containers): null then.
  auto number = [](const std::string& text, double scale) {
    try {
      return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::stod(text) / scale);
    } catch (const std::exception&) {
      return nlohmann::json(nullptr);
    }
  };
  fp["max_freq_mhz"] =
      number(read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq"), 1000);
  fp["cur_freq_mhz"] = number(cpuinfo_field("cpu MHz"), 1);
  fp["governor"] = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  utsname u{};
  uname(&u);
  fp["os"] = fmt::format("{} {} {}", u.sysname, u.release, u.machine);
  std::string pretty = read_first_line("/etc/os-release");
  {
    std::ifstream f("/etc/os-release");
    for (std::string line; std::getline(f, line);)
      if (line.rfind("PRETTY_NAME=", 0) == 0) pretty = line.substr(13, line.size() - 14);
  }
  fp["distribution"] = pretty;
  fp["hostname"] = u.nodename;
#if defined(__clang__)
  fp["compiler"] = fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  fp["compiler"] = fmt::format("gcc {}", __VERSION__);
#endif
  fp["libraries"] = {
      {"onednn", onednn_version()},
      {"protobuf", google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION)},
      {"hwloc", fmt::format("{}.{}.{}", HWLOC_API_VERSION >> 16, (HWLOC_API_VERSION >> 8) & 0xff,
                            HWLOC_API_VERSION & 0xff)},
      {"sqlite", sqlite3_libversion()},
      {"fmt", FMT_VERSION}};
  fp["command"] = command_line;
  return fp;
}

}  // namespace inferlab::bench
