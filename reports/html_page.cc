#include "reports/html_page.h"

#include "reports/assets.h"

namespace lockstress::report {

std::string ScriptSafeJson(const nlohmann::json& data) {
  std::string text =
      data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  // '<' only occurs inside JSON strings, where \u003c means the same.
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FillTemplate(std::string_view page, std::string_view css,
                         std::string_view js, std::string_view data) {
  std::string out;
  out.reserve(page.size() + css.size() + js.size() + data.size());
  std::size_t at = 0;
  while (at < page.size()) {
    std::size_t open = page.find("{{", at);
    std::size_t close =
        open == std::string_view::npos ? open : page.find("}}", open);
    if (close == std::string_view::npos) break;
    std::string_view name = page.substr(open + 2, close - open - 2);
    std::string_view value;
    bool known = true;
    if (name == "CSS") {
      value = css;
    } else if (name == "JS") {
      value = js;
    } else if (name == "DATA") {
      value = data;
    } else {
      known = false;
    }
    out.append(page.substr(at, open - at));
    if (known) {
      out.append(value);
    } else {
      out.append(page.substr(open, close + 2 - open));
    }
    at = close + 2;
  }
  out.append(page.substr(std::min(at, page.size())));
  return out;
}

std::string RenderPage(const nlohmann::json& data) {
  return FillTemplate(TemplateHtml(), StyleCss(), ScriptJs(),
                      ScriptSafeJson(data));
}

}  // namespace lockstress::report
