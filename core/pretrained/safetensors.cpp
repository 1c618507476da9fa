#include "pretrained/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/errors.h"

namespace trustlab {
namespace {

using json = nlohmann::json;

torch::Dtype storedDtype(const std::string& dtype) {
  if (dtype == "F16") return torch::kFloat16;
  if (dtype == "BF16") return torch::kBFloat16;
  return torch::kFloat32;
}

std::string dtypeName(torch::Dtype dtype) {
  if (dtype == torch::kFloat16) return "F16";
  if (dtype == torch::kBFloat16) return "BF16";
  return "F32";
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw InputError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < 8) {
    ::close(fd);
    throw InputError(path, "not a safetensors file (shorter than its 8-byte header length)");
  }
  size_ = size_t(st.st_size);
  void* mapped = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED) throw InputError(path, std::string("cannot map: ") + std::strerror(errno));
  data_ = static_cast<const unsigned char*>(mapped);
  try {
    auto header = parseSafetensorsHeader(path, data_, size_);
    dataStart_ = header.dataStart;
    entries_ = std::move(header.entries);
    metadata_ = std::move(header.metadata);
  } catch (...) {
    ::munmap(const_cast<unsigned char*>(data_), size_);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { ::munmap(const_cast<unsigned char*>(data_), size_); }

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::pair<size_t, std::string>> order;
  for (const auto& [name, e] : entries_) order.emplace_back(e.begin, name);
  std::sort(order.begin(), order.end());
  std::vector<std::string> out;
  for (auto& [begin, name] : order) out.push_back(std::move(name));
  return out;
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw InputError(path_, "no such tensor in the file", 0, name);
  return it->second;
}

torch::Tensor SafetensorsFile::tensor(const std::string& name, torch::Dtype dtype) const {
  const auto& e = entry(name);
  if (e.dtype != "F32" && e.dtype != "F16" && e.dtype != "BF16")
    throw InputError(path_, "dtype " + e.dtype + " is not a floating weight TrustLab reads (F32, F16, BF16)", 0, name);
  // The mapping is read-only: from_blob views it (little-endian, as x86 and ARM store it) and the
  // conversion copies it out.
  auto view = torch::from_blob(const_cast<unsigned char*>(data_ + dataStart_ + e.begin), e.shape,
                               torch::TensorOptions().dtype(storedDtype(e.dtype)));
  return view.to(dtype, /*non_blocking=*/false, /*copy=*/true);
}

void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<torch::Tensor> contiguous;
  size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    const auto dtype = t.scalar_type() == torch::kFloat16 || t.scalar_type() == torch::kBFloat16 ? t.scalar_type() : torch::kFloat32;
    contiguous.push_back(t.detach().to(torch::kCPU).to(dtype).contiguous());
    const size_t bytes = size_t(contiguous.back().numel()) * contiguous.back().element_size();
    header[name] = {{"dtype", dtypeName(dtype)}, {"shape", contiguous.back().sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned, as the reference writer pads
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    unsigned char length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(uint64_t(text.size()) >> (8 * i));
    out.write(reinterpret_cast<const char*>(length), 8);
    out << text;
    for (const auto& t : contiguous) out.write(static_cast<const char*>(t.data_ptr()), std::streamsize(t.numel() * t.element_size()));
    if (!out.flush()) throw InputError(tmp, "cannot write (is the disk full or the folder read-only?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path, "cannot replace it: " + ec.message());
}

}  // namespace trustlab
