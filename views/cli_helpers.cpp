#include "cli_helpers.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include "util/errors.h"

namespace trustlab {

std::unique_ptr<LocalRanks> startCliHelpers(std::vector<std::string> args, const Rendezvous& master,
                                            const std::string& field) {
  const QString cli = QDir(QCoreApplication::applicationDirPath()).filePath("trustlab-cli");
  if (!QFileInfo(cli).isExecutable())
    throw InputError(field, "more than one process needs trustlab-cli beside the GUI (" + cli.toStdString() +
                                " is missing)");
  args.push_back("--worker");
  return std::make_unique<LocalRanks>(cli.toStdString(), args, master);
}

}  // namespace trustlab
