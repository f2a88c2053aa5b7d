// Makes one request to a daemon socket after dropping to another user, and prints the
// HTTP status on the first line and the body after it. The server tests run it as root
// and check that the daemon judges the caller by its kernel-reported uid.
//
//     http-probe --socket PATH [--uid N] [--bind PATH] [--header NAME:VALUE] METHOD REQUEST-PATH [BODY]
//
// Exit status: 0 when a reply arrived, 1 on a client error, 2 on bad arguments, 3 when
// the uid could not be changed.

import SnapClient

#if canImport(Glibc)
import Glibc
#endif

var arguments = Array(CommandLine.arguments.dropFirst())
var socketPath: String?
var uid: UInt32?
var bindPath: String?
var headers: [(name: String, value: String)] = []

func fail(_ message: String, status: Int32) -> Never {
    let line = Array("http-probe: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

while let first = arguments.first, first.hasPrefix("--") {
    arguments.removeFirst()
    guard let value = arguments.first else { fail("\(first) needs a value", status: 2) }
    arguments.removeFirst()
    switch first {
    case "--socket": socketPath = value
    case "--uid": uid = UInt32(value)
    case "--bind": bindPath = value
    case "--header":
        let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { fail("--header needs NAME:VALUE", status: 2) }
        headers.append((name: parts[0], value: parts[1]))
    default: fail("unknown option \(first)", status: 2)
    }
}
guard let socketPath, arguments.count >= 2 else {
    fail("usage: http-probe --socket PATH [--uid N] [--bind PATH] METHOD PATH [BODY]", status: 2)
}

// Drop supplementary groups, then the group, then the user; the order matters because
// only root may change groups.
if let uid {
    guard setgroups(0, nil) == 0, setgid(uid) == 0, setuid(uid) == 0, getuid() == uid else {
        fail("cannot change to uid \(uid): \(String(cString: strerror(errno)))", status: 3)
    }
}

let client = HTTPClient(socketPath: socketPath, timeout: 30)
client.localSocketPath = bindPath
let body: ClientRequest.Body = arguments.count > 2 ? .bytes(Array(arguments[2].utf8)) : .none
do {
    let request = ClientRequest(method: arguments[0], path: arguments[1], headers: headers, body: body)
    let response = try client.send(request)
    print(response.status)
    print(String(decoding: response.body, as: UTF8.self))
} catch {
    fail("\(error)", status: 1)
}
