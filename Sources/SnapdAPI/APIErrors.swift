import SnapAPI
import SnapManager
import SnapdHTTP
import StateEngine

/// Turns the managers' and the engine's errors into the REST API's error replies.
enum APIErrors {
    static func httpError(_ error: any Error) -> HTTPError {
        switch error {
        case let error as HTTPError:
            return error
        case let error as SnapManagerError:
            return httpError(error)
        case let error as StateEngineError:
            return httpError(error)
        default:
            return .internalError("\(error)")
        }
    }

    static func httpError(_ error: SnapManagerError) -> HTTPError {
        let value: JSONValue? = nil
        switch error.code {
        case .internalError, .system:
            return HTTPError(status: 500, message: error.message)
        default:
            return HTTPError(status: 400, message: error.message, kind: error.apiKind, value: value)
        }
    }

    static func httpError(_ error: StateEngineError) -> HTTPError {
        switch error.code {
        case .changeConflict:
            let value: JSONValue? = error.conflict.map { conflict in
                ["snap-name": .string(conflict.snapName), "change-kind": .string(conflict.changeKind)]
            }
            return HTTPError(status: 409, message: error.message, kind: error.apiKind, value: value)
        case .notFound:
            return HTTPError(status: 404, message: error.message)
        case .nothingPending, .invalidChange:
            return HTTPError(status: 400, message: error.message)
        default:
            return HTTPError(status: 500, message: error.message)
        }
    }

    static func snapNotFound(_ name: String) -> HTTPError {
        HTTPError(
            status: 404,
            message: "snap \"\(name)\" is not installed",
            kind: "snap-not-found",
            value: .string(name)
        )
    }

    static func snapNotInstalled(_ name: String) -> HTTPError {
        HTTPError(
            status: 400,
            message: "snap \"\(name)\" is not installed",
            kind: "snap-not-installed",
            value: .string(name)
        )
    }
}

/// Runs a route body, turning every error it throws into an error reply.
func replying(_ body: () async throws -> Response) async -> Response {
    do {
        return try await body()
    } catch {
        return .error(APIErrors.httpError(error))
    }
}
