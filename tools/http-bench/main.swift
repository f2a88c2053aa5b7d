// Prints request throughput and latency of the daemon's HTTP layer: an in-process server
// on a scratch unix socket, answering GET /v2/system-info with a small sync envelope, and
// several client threads using SnapClient. Two rounds: requests on kept-alive connections,
// and one new connection per request (what a `snap` process in a shell loop costs).
//
//     swift run -c release http-bench [clients] [requests-per-client]

import Foundation
import SnapClient
import SnapdHTTP
import Synchronization

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let clients = arguments.first ?? 4
let requestsPerClient = arguments.dropFirst().first ?? 2000

/// Seconds on the monotonic clock.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `clients` threads of `requestsPerClient` requests each; returns every latency.
func round(socket: String, reuseConnection: Bool) -> [Double] {
    let latencies = Mutex<[Double]>([])
    let group = DispatchGroup()
    for _ in 0..<clients {
        group.enter()
        Thread {
            var mine: [Double] = []
            var client = HTTPClient(socketPath: socket)
            for _ in 0..<requestsPerClient {
                if !reuseConnection { client = HTTPClient(socketPath: socket) }
                let start = now()
                guard (try? client.send(ClientRequest(method: "GET", path: "/v2/system-info")))?.status == 200 else {
                    fatalError("request failed")
                }
                mine.append(now() - start)
            }
            latencies.withLock { $0 += mine }
            group.leave()
        }.start()
    }
    group.wait()
    return latencies.withLock { $0 }
}

/// The value at `fraction` of the sorted latencies, in microseconds.
func percentile(_ sorted: [Double], _ fraction: Double) -> Int {
    Int(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] * 1e6)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("http-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }
let socket = directory + "/snapd.socket"

/// The routes, built outside top-level code so that the handlers are not isolated to the
/// main actor, whose thread this program blocks while waiting for the clients.
nonisolated func benchRouter() -> Router {
    Router([
        Route(.get, "/v2/system-info", access: .open) { _ in
            .sync(["series": "16", "version": "bench", "kernel-version": "6.1.0"])
        }
    ])
}

let server = HTTPServer(router: benchRouter())
try server.listen(onSocketAt: socket, kind: .main)

print("http-bench: \(clients) clients x \(requestsPerClient) requests, GET /v2/system-info")
for (name, reuse) in [("keep-alive", true), ("new connection each", false)] {
    let start = now()
    let latencies = round(socket: socket, reuseConnection: reuse).sorted()
    let elapsed = now() - start
    let rate = Int(Double(latencies.count) / elapsed)
    let p50 = percentile(latencies, 0.5)
    let p99 = percentile(latencies, 0.99)
    print("  \(name): \(rate) requests/s, latency p50 \(p50) us, p99 \(p99) us")
}

let done = DispatchSemaphore(value: 0)
Task.detached {
    await server.stop()
    done.signal()
}
done.wait()
