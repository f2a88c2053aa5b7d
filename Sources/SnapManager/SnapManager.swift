/// The snaps manager; see README.md.
public enum SnapManagerModule {}
