/// `snap info`: placeholder replaced below.
struct InfoCommand {
    let context: CommandContext
    func run() throws(CommandFailure) {}
}
