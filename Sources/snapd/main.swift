print("snapd: not yet")
