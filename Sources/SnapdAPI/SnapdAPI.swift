/// The daemon's routes; see README.md.
public enum SnapdAPIModule {}
