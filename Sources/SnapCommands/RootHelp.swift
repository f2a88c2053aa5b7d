/// `snap --help`: what the client is for and its commands by theme, in the real
/// client's layout. Themes list the real client's commands, including those this
/// client does not offer yet, so that the text keeps its familiar shape.
enum RootHelp {
    static let text = """
        The snap command installs, configures, refreshes and removes snaps, packages
        that run on many Linux distributions and bring applications and services with
        their dependencies, confined and updated safely.

        Usage: snap <command> [<options>...]

        Commonly used commands can be classified as follows:

                 Basics: find, info, install, remove, list
                ...more: refresh, revert, switch, disable, enable, create-cohort
                History: changes, tasks, abort, watch
                Daemons: services, start, stop, restart, logs
            Permissions: connections, interface, connect, disconnect
          Configuration: get, set, unset, wait
            App Aliases: alias, aliases, unalias, prefer
                Account: login, logout, whoami
              Snapshots: saved, save, check-snapshot, restore, forget
                 Device: model, reboot, recovery
              ... Other: warnings, okay, known, ack, version
            Development: download, pack, run, try

        For more information about a command, run 'snap help <command>'.
        For a short summary of all commands, run 'snap help --all'.

        """
}
