/// Namespace for mounting and file operations; see README.md.
public enum SnapSystem {}
