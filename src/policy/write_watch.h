// Which watched files a writer has modified and not yet closed (inotify
// IN_MODIFY without its IN_CLOSE_WRITE): the reload poller never loads a
// policy or profile file while someone is still writing it in place. A file
// renamed into place or a ConfigMap's `..data` swap is complete when it
// appears, and never shows up here.
//
// Where inotify is not available (or its queue overflowed), open_writes()
// reports nothing and the poller relies on its other rule alone: a change is
// loaded only once the files were unchanged across two polls.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace nri_seccomp::policy {

class WriteWatch {
 public:
  WriteWatch();
  ~WriteWatch();
  WriteWatch(const WriteWatch&) = delete;
  WriteWatch& operator=(const WriteWatch&) = delete;

  // Watches the config file (empty: none) and the profile files in `dirs`
  // (other files there, such as an editor's swap file, do not count);
  // replaces the previous set.
  void watch(const std::string& config_path, const std::vector<std::string>& dirs);
  // Reads the pending events; returns "dir/name" of files modified and not closed yet.
  const std::set<std::string>& open_writes();
  bool available() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  struct Watch {
    int wd;
    std::string dir;
    std::string only;  // a single file name (the config file's dir); empty: profile files
  };
  bool counts(const Watch& w, const std::string& name) const;

  std::vector<Watch> watches_;
  std::string config_path_;
  std::vector<std::string> dirs_;
  std::set<std::string> open_;
};

}  // namespace nri_seccomp::policy
