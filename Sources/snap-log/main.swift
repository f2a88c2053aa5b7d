print("snap-log")
