// `inferlab report`: one self-contained HTML page (charts drawn offline by Vega-Lite, inlined)
// from the results database, and every number it shows as CSV/JSON next to it.
#include <fmt/format.h>

#include <filesystem>

#include "cli_error.h"
#include "command.h"
#include "inferlab/lab/html_report.h"
#include "inferlab/lab/output_file.h"
#include "inferlab/lab/results_store.h"
#include "lab_commands.h"

namespace inferlab::cli {

void run_report_command(const ReportArgs& c) {
  namespace fs = std::filesystem;
  const std::string where = bench::resolve_store_location(c.db);
  // Checked before opening: opening would create an empty database.
  if (!bench::is_postgres_url(where)) {
    if (!fs::exists(where)) fail("results database {} does not exist", where);
    if (fs::file_size(where) == 0) fail("results database {} is empty", where);
  }
  const std::string lib = bench::load_chart_library(
      c.node_modules.empty() ? bench::default_node_modules() : c.node_modules);
  const auto db = bench::open_results_store(where);
  const std::vector<nlohmann::json> rows = db->query({});
  const bench::ReportData d = bench::collect_report_data(rows, db->location(), c.sweep);
  const std::string html = bench::render_html(d, lib);
  write_file_atomically(c.output, html, "report");
  const std::string dir =
      c.data_dir.empty()
          ? (fs::path(c.output).parent_path() / (fs::path(c.output).stem().string() + "_data"))
                .string()
          : c.data_dir;
  const auto files = bench::write_exports(d, dir);
  fmt::print("report {} ({} rows of {}; {} chart(s)); data in {} ({} files)\n", c.output,
             rows.size(), db->location(), bench::chart_specs(d).size(), dir, files.size());
}

namespace {

void setup_report(CLI::App& root) {
  auto c = std::make_shared<ReportArgs>();
  auto* cmd = root.add_subcommand("report", "Write an HTML report (and CSV/JSON) from results.db");
  cmd->add_option(
      "--db", c->db,
      "results store: a SQLite file or postgresql://... (default $INFERLAB_DB, else results.db)");
  cmd->add_option("-o,--output", c->output, "HTML file to write (default report.html)");
  cmd->add_option("--data-dir", c->data_dir, "folder for the CSV/JSON exports (default NAME_data)");
  cmd->add_option("--sweep", c->sweep, "only this sweep id (default: every sweep)");
  cmd->add_option("--node-modules", c->node_modules,
                  "where vega, vega-lite and vega-embed are installed");
  cmd->callback([c] { run_report_command(*c); });
}

}  // namespace
INFERLAB_REGISTER_COMMAND(setup_report);
}  // namespace inferlab::cli
