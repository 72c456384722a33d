import PrefCore
