// e2e-json: reads and edits JSON files for the e2e shell scripts, which must
// run on a bare Debian 12 (no jq, no python). Paths are JSON pointers
// (RFC 6901), e.g. /linux/seccomp/defaultAction.
//
//   e2e-json get FILE POINTER          prints the value (strings raw); exit 1 if absent
//   e2e-json has FILE POINTER          exit 0 if present, 1 if not
//   e2e-json set FILE POINTER JSON     sets the value (parent objects created)
//   e2e-json del FILE POINTER          removes the key if present
//   FILE "-" reads standard input (get/has only).
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

json load(const std::string& file) {
  if (file == "-") return json::parse(std::cin);
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file);
  return json::parse(in);
}

void store(const std::string& file, const json& j) {
  std::ofstream out(file, std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file);
  out << j.dump(2) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: e2e-json get|has|set|del FILE POINTER [JSON]\n";
    return 2;
  }
  const std::string op = argv[1], file = argv[2];
  try {
    const json::json_pointer ptr(argv[3]);
    json j = load(file);
    if (op == "get" || op == "has") {
      if (!j.contains(ptr)) return 1;
      if (op == "get") {
        const json& v = j.at(ptr);
        std::cout << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
      }
      return 0;
    }
    if (op == "set" && argc == 5) {
      j[ptr] = json::parse(argv[4]);
      store(file, j);
      return 0;
    }
    if (op == "del") {
      if (j.contains(ptr)) {
        json& parent = j[ptr.parent_pointer()];
        if (parent.is_object()) parent.erase(ptr.back());
      }
      store(file, j);
      return 0;
    }
    std::cerr << "e2e-json: unknown operation " << op << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "e2e-json: " << file << ": " << e.what() << "\n";
    return 2;
  }
}
