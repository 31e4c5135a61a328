// history.jsonl: reading and writing the History (lockstress/history.h).
#include "lockstress/history.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace lockstress {
namespace {

using nlohmann::json;

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kErr:
      return "err";
    case Outcome::kLost:
      return "lost";
    default:
      return "lost";
  }
}

std::optional<Outcome> ParseOutcome(std::string_view s) {
  if (s == "ok") return Outcome::kOk;
  if (s == "err") return Outcome::kErr;
  if (s == "lost") return Outcome::kLost;
  return std::nullopt;
}

std::optional<Ownership> ParseOwnership(std::string_view s) {
  for (Ownership o :
       {Ownership::kThread, Ownership::kOpenFile, Ownership::kProcess,
        Ownership::kHost, Ownership::kNone}) {
    if (OwnershipName(o) == s) return o;
  }
  return std::nullopt;
}

// Thrown inside the parser only; turned into a Status with file:line.
struct BadLine {
  std::string message;
};

template <typename T>
T Get(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    throw BadLine{std::string("field '") + key + "' has the wrong type"};
  }
}

template <typename T>
T Require(const json& j, const char* key) {
  if (!j.contains(key))
    throw BadLine{std::string("missing field '") + key + "'"};
  return Get<T>(j, key, T{});
}

HistoryHeader HeaderFromJson(const json& j) {
  HistoryHeader h;
  h.version = Require<int>(j, "version");
  if (h.version != 1) {
    throw BadLine{"unsupported history version " + std::to_string(h.version)};
  }
  h.impl = Require<std::string>(j, "impl");
  StatusOr<FeatureSet> f =
      FeatureSet::Parse(Get<std::string>(j, "features", ""));
  if (!f.ok()) throw BadLine{f.status().message()};
  h.features = *f;
  std::string own = Get<std::string>(j, "ownership", "process");
  std::optional<Ownership> o = ParseOwnership(own);
  if (!o) throw BadLine{"unknown ownership '" + own + "'"};
  h.ownership = *o;
  h.scenario = Get<std::string>(j, "scenario", "");
  h.seed = Get<std::uint64_t>(j, "seed", 0);
  h.workers = Get<int>(j, "workers", 0);
  h.witness = Get<std::string>(j, "witness", "");
  return h;
}

Event EventFromJson(const json& j, std::int64_t line) {
  Event e;
  std::string type = Require<std::string>(j, "type");
  if (type == "op") {
    e.type = Event::Type::kOp;
  } else if (type == "nemesis") {
    e.type = Event::Type::kNemesis;
    e.worker = -1;
  } else {
    throw BadLine{"unknown event type '" + type + "'"};
  }
  e.worker = Get<int>(j, "worker", e.worker);
  e.handle = Get<std::string>(j, "handle", "");
  e.pid = Get<std::int64_t>(j, "pid", 0);
  e.op = Require<std::string>(j, "op");
  e.arg = Get<std::string>(j, "arg", "");
  e.t0 = Get<std::int64_t>(j, "t0", 0);
  e.t1 = Get<std::int64_t>(j, "t1", 0);
  std::string outcome = Get<std::string>(j, "outcome", "ok");
  std::optional<Outcome> o = ParseOutcome(outcome);
  if (!o) throw BadLine{"unknown outcome '" + outcome + "'"};
  e.outcome = *o;
  if (j.contains("kind")) {
    std::string kind = Get<std::string>(j, "kind", "");
    std::optional<ErrorKind> k = ParseKind(kind);
    if (!k) throw BadLine{"unknown kind '" + kind + "'"};
    e.kind = *k;
  }
  if (e.outcome == Outcome::kErr && e.kind == ErrorKind::kOk) {
    throw BadLine{"an err event needs a kind"};
  }
  e.message = Get<std::string>(j, "message", "");
  if (j.contains("value")) e.value = Get<bool>(j, "value", false);
  e.read = Get<std::int64_t>(j, "read", 0);
  e.wrote = Get<std::int64_t>(j, "wrote", 0);
  e.target = Get<int>(j, "target", -1);
  e.line = line;
  return e;
}

}  // namespace

std::string EventToJson(const Event& e) {
  json j;
  bool nemesis = e.type == Event::Type::kNemesis;
  j["type"] = nemesis ? "nemesis" : "op";
  if (!nemesis) {
    j["worker"] = e.worker;
    j["handle"] = e.handle;
    if (e.pid != 0) j["pid"] = e.pid;
  }
  j["op"] = e.op;
  if (!e.arg.empty()) j["arg"] = e.arg;
  if (nemesis) j["target"] = e.target;
  j["t0"] = e.t0;
  j["t1"] = e.t1;
  j["outcome"] = OutcomeName(e.outcome);
  if (e.kind != ErrorKind::kOk) j["kind"] = KindName(e.kind);
  if (!e.message.empty()) j["message"] = e.message;
  if (e.value) j["value"] = *e.value;
  if (e.op == "witness") {
    j["read"] = e.read;
    j["wrote"] = e.wrote;
  }
  // Invalid UTF-8 (a path, a driver's message) is replaced, not refused.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string HeaderToJson(const HistoryHeader& h) {
  json j;
  j["type"] = "header";
  j["version"] = h.version;
  j["impl"] = h.impl;
  j["features"] = h.features.ToString();
  j["ownership"] = OwnershipName(h.ownership);
  j["scenario"] = h.scenario;
  j["seed"] = h.seed;
  j["workers"] = h.workers;
  j["witness"] = h.witness;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status ForEachHistoryEvent(
    const std::string& path,
    const std::function<Status(const HistoryHeader&)>& on_header,
    const std::function<Status(std::size_t, Event&&, std::string_view)>&
        on_event) {
  std::ifstream in(path);
  if (!in) {
    return Status(ErrorKind::kError, path, "cannot open the history file");
  }
  std::string text;
  std::int64_t line = 0;
  std::size_t index = 0;
  bool have_header = false;
  while (std::getline(in, text)) {
    ++line;
    if (text.empty()) continue;
    Status status = Status::Ok();
    try {
      json j = json::parse(text);
      if (!j.is_object()) throw BadLine{"not a JSON object"};
      if (Get<std::string>(j, "type", "") == "header") {
        if (have_header) throw BadLine{"a second header"};
        have_header = true;
        status = on_header(HeaderFromJson(j));
      } else {
        if (!have_header) throw BadLine{"the first line must be the header"};
        status = on_event(index++, EventFromJson(j, line), text);
      }
    } catch (const json::parse_error& e) {
      return Status(
          ErrorKind::kError, "",
          path + ":" + std::to_string(line) + ": not JSON: " + e.what());
    } catch (const BadLine& e) {
      return Status(ErrorKind::kError, "",
                    path + ":" + std::to_string(line) + ": " + e.message);
    }
    if (!status.ok()) return status;
  }
  if (!have_header) {
    return Status(ErrorKind::kError, "", path + ":1: no header line");
  }
  return Status::Ok();
}

StatusOr<History> ReadHistory(const std::string& path) {
  History history;
  Status status = ForEachHistoryEvent(
      path,
      [&](const HistoryHeader& header) {
        history.header = header;
        return Status::Ok();
      },
      [&](std::size_t, Event&& event, std::string_view) {
        history.events.push_back(std::move(event));
        return Status::Ok();
      });
  if (!status.ok()) return status;
  return history;
}

Status WriteHistory(const std::string& path, const History& history) {
  // Written beside and renamed over, so a reader never sees half a file.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Status(ErrorKind::kError, tmp, "cannot create");
    out << HeaderToJson(history.header) << '\n';
    for (const Event& e : history.events) out << EventToJson(e) << '\n';
    out.flush();
    if (!out) return Status(ErrorKind::kError, tmp, "write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return PosixError(ErrorKind::kError, "rename", path, err);
  }
  return Status::Ok();
}

}  // namespace lockstress
