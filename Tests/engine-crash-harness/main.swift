import StateEngine

print(Migration.embedded.count)
