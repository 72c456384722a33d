import PrefRuntime
print(PrefVersion.string)
