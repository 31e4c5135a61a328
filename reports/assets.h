// The report's template, style sheet and script (reports/template/), built
// into the library by embed_assets.cmake so that the binary needs no files
// at run time.
#ifndef LOCKSTRESS_REPORTS_ASSETS_H_
#define LOCKSTRESS_REPORTS_ASSETS_H_

#include <string_view>

namespace lockstress::report {

std::string_view TemplateHtml();  // template/report.html
std::string_view StyleCss();      // template/report.css
std::string_view ScriptJs();      // template/report.js

}  // namespace lockstress::report

#endif  // LOCKSTRESS_REPORTS_ASSETS_H_
