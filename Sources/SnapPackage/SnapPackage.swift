// The snap package library; filled in by the snap.yaml, image and packing files.
