#include "core/model/event_binary.hpp"

#include <cstdint>
#include <cstring>

#include "core/error.hpp"

namespace irctl {
namespace {

class Writer {
 public:
  void u64(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void value(const TomlValue& v) {
    byte(static_cast<uint8_t>(v.type()));
    u64(v.comments().size());
    for (const auto& c : v.comments()) str(c);
    switch (v.type()) {
      case toml::value_t::boolean: byte(v.as_boolean() ? 1 : 0); break;
      case toml::value_t::integer: u64(static_cast<uint64_t>(v.as_integer())); break;
      case toml::value_t::floating: {
        uint64_t bits;
        const double d = v.as_floating();
        std::memcpy(&bits, &d, sizeof bits);
        u64(bits);
        break;
      }
      case toml::value_t::string:
        byte(v.as_string().kind == toml::string_t::literal ? 1 : 0);
        str(v.as_string().str);
        break;
      case toml::value_t::offset_datetime:
        date(v.as_offset_datetime().date);
        time(v.as_offset_datetime().time);
        u64(static_cast<uint64_t>(static_cast<int64_t>(v.as_offset_datetime().offset.hour)));
        u64(static_cast<uint64_t>(static_cast<int64_t>(v.as_offset_datetime().offset.minute)));
        break;
      case toml::value_t::local_datetime:
        date(v.as_local_datetime().date);
        time(v.as_local_datetime().time);
        break;
      case toml::value_t::local_date: date(v.as_local_date()); break;
      case toml::value_t::local_time: time(v.as_local_time()); break;
      case toml::value_t::array:
        u64(v.as_array().size());
        for (const auto& e : v.as_array()) value(e);
        break;
      case toml::value_t::table: table(v.as_table()); break;
      case toml::value_t::empty: break;
    }
  }
  void table(const TomlTable& t) {
    u64(t.size());
    for (const auto& [k, v] : t) {
      str(k);
      value(v);
    }
  }
  std::string take() { return std::move(out_); }

 private:
  void date(const toml::local_date& d) {
    u64(static_cast<uint64_t>(static_cast<int64_t>(d.year)));
    byte(d.month);
    byte(d.day);
  }
  void time(const toml::local_time& t) {
    byte(t.hour);
    byte(t.minute);
    byte(t.second);
    u64(t.millisecond);
    u64(t.microsecond);
    u64(t.nanosecond);
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t u64() {
    need(sizeof(uint64_t));
    uint64_t v;
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  uint8_t byte() {
    need(1);
    return static_cast<uint8_t>(in_[at_++]);
  }
  std::string str() {
    const uint64_t n = u64();
    need(n);
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }
  // A count of items that each take at least a byte: never more than what is left.
  uint64_t count() {
    const uint64_t n = u64();
    need(n);
    return n;
  }
  TomlValue value(int depth = 0) {
    if (depth > 64) bad();
    const auto type = static_cast<toml::value_t>(byte());
    std::vector<std::string> comments(count());
    for (auto& c : comments) c = str();
    TomlValue v;
    switch (type) {
      case toml::value_t::boolean: v = TomlValue(byte() != 0); break;
      case toml::value_t::integer: v = TomlValue(static_cast<toml::integer>(u64())); break;
      case toml::value_t::floating: {
        const uint64_t bits = u64();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        v = TomlValue(d);
        break;
      }
      case toml::value_t::string: {
        const auto kind = byte() ? toml::string_t::literal : toml::string_t::basic;
        v = TomlValue(str(), kind);
        break;
      }
      case toml::value_t::offset_datetime: {
        const auto d = date();
        const auto t = time();
        const auto h = static_cast<int>(static_cast<int64_t>(u64()));
        const auto m = static_cast<int>(static_cast<int64_t>(u64()));
        toml::offset_datetime odt(d, t, toml::time_offset(0, 0));
        odt.offset.hour = static_cast<std::int8_t>(h);
        odt.offset.minute = static_cast<std::int8_t>(m);
        v = TomlValue(odt);
        break;
      }
      case toml::value_t::local_datetime: {
        const auto d = date();
        v = TomlValue(toml::local_datetime(d, time()));
        break;
      }
      case toml::value_t::local_date: v = TomlValue(date()); break;
      case toml::value_t::local_time: v = TomlValue(time()); break;
      case toml::value_t::array: {
        TomlArray a;
        const uint64_t n = count();
        a.reserve(n);
        for (uint64_t i = 0; i < n; ++i) a.push_back(value(depth + 1));
        v = TomlValue(std::move(a));
        break;
      }
      case toml::value_t::table: {
        TomlTable t;
        table(t, depth + 1);
        v = TomlValue(std::move(t));
        break;
      }
      case toml::value_t::empty: break;
      default: bad();
    }
    v.comments() = toml::preserve_comments(comments);
    return v;
  }
  // Into `t` itself: an Event's tables are there already.
  void table(TomlTable& t, int depth = 0) {
    const uint64_t n = count();
    if (n) t.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      std::string k = str();
      t.emplace(std::move(k), value(depth));
    }
  }
  bool done() const { return at_ == in_.size(); }
  [[noreturn]] static void bad() { throw Error(Errc::data, "a cached timeline is damaged"); }

 private:
  void need(uint64_t n) const {
    if (n > in_.size() - at_) bad();
  }
  toml::local_date date() {
    const auto y = static_cast<int>(static_cast<int64_t>(u64()));
    toml::local_date d;
    d.year = static_cast<std::int16_t>(y);
    d.month = byte();
    d.day = byte();
    return d;
  }
  toml::local_time time() {
    toml::local_time t;
    t.hour = byte();
    t.minute = byte();
    t.second = byte();
    t.millisecond = static_cast<std::uint16_t>(u64());
    t.microsecond = static_cast<std::uint16_t>(u64());
    t.nanosecond = static_cast<std::uint16_t>(u64());
    return t;
  }
  std::string_view in_;
  size_t at_ = 0;
};

}  // namespace

std::string encode_events(const std::vector<Event>& events) {
  Writer w;
  for (const auto& e : events) {
    w.str(e.id);
    w.u64(static_cast<uint64_t>(e.at.time_since_epoch().count()));
    w.str(e.by);
    w.str(e.type);
    w.str(e.text);
    w.table(e.details);
    w.table(e.set);
    w.u64(e.unset.size());
    for (const auto& u : e.unset) w.str(u);
  }
  return w.take();
}

std::vector<Event> decode_events(std::string_view bytes, size_t count) {
  Reader r(bytes);
  // Each event takes more than a byte: a count larger than that is damage.
  if (count > bytes.size()) Reader::bad();
  std::vector<Event> events;
  // Room for the events a write appends: a vector of Events that grows copies
  // them all (their move may throw).
  events.reserve(count + 8);
  events.resize(count);
  for (auto& e : events) {
    e.id = r.str();
    e.at = Timestamp(Timestamp::duration(static_cast<Timestamp::rep>(r.u64())));
    e.by = r.str();
    e.type = r.str();
    e.text = r.str();
    r.table(e.details);
    r.table(e.set);
    e.unset.resize(r.count());
    for (auto& u : e.unset) u = r.str();
  }
  if (!r.done()) Reader::bad();
  return events;
}

}  // namespace irctl
