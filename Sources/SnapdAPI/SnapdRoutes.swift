import SnapdHTTP

/// Every route of the daemon's REST API.
public enum SnapdRoutes {
    /// The routes, answering through `services`.
    public static func all(_ services: SnapdServices) -> [Route] {
        SystemRoutes(services: services).routes + SnapsRoutes(services: services).routes
            + ChangesRoutes(services: services).routes
    }
}
