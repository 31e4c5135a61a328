// The page: the template (template/report.html) with the style sheet, the
// script and the data put in its three placeholders, {{CSS}}, {{JS}} and
// {{DATA}}. Nothing else of the page is built in C++: report.js draws it
// from the data.
//
// The data goes into <script type="application/json">, so every '<' in it
// is written \u003c: no string in the data ("</script>", "<!--") can end
// the element or change how the browser reads it.
//
// Thread safety: stateless functions.
#ifndef LOCKSTRESS_REPORTS_HTML_PAGE_H_
#define LOCKSTRESS_REPORTS_HTML_PAGE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace lockstress::report {

// JSON text that is safe inside a <script> element.
std::string ScriptSafeJson(const nlohmann::json& data);

// `page` with {{CSS}}, {{JS}} and {{DATA}} replaced by those texts; any
// other {{...}} is left as it is.
std::string FillTemplate(std::string_view page, std::string_view css,
                         std::string_view js, std::string_view data);

// The whole report for `data` (run_data.h).
std::string RenderPage(const nlohmann::json& data);

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_HTML_PAGE_H_
