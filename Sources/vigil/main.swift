import VigilCore

exitProcess(vigilMain())
