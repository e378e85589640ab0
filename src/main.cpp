// Parse the command line, then hand over to App. Nothing else lives here.
#include <cstdlib>
#include <iostream>

#include "convene/app/app.hpp"
#include "convene/app/config.hpp"

int main(int argc, char** argv) {
    using namespace convene::app;
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto command = ParseCommandLine(args, [](const std::string& name) {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    });
    if (const auto* error = std::get_if<UsageError>(&command)) {
        std::cerr << "convene: " << error->message << "\n";
        return 2;
    }
    if (std::holds_alternative<HelpCommand>(command)) {
        std::cout << HelpText();
        return 0;
    }
    if (std::holds_alternative<VersionCommand>(command)) {
        std::cout << VersionText() << "\n";
        return 0;
    }
    if (const auto* mail_test = std::get_if<MailTestCommand>(&command)) {
        return RunMailTest(mail_test->config, mail_test->address);
    }
    if (const auto* backup = std::get_if<BackupCommand>(&command)) {
        return RunBackup(backup->config, backup->file);
    }
    if (const auto* restore = std::get_if<RestoreCommand>(&command)) {
        return RunRestore(restore->config, restore->file);
    }
    if (const auto* migrate = std::get_if<MigrateCommand>(&command)) {
        return RunMigrate(migrate->config, migrate->dry_run);
    }
    if (const auto* user = std::get_if<UserCreateCommand>(&command)) {
        return RunUserCreate(*user);
    }
    return RunServer(std::get<ServeCommand>(command).config);
}
