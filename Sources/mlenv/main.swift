import ArgumentParser
import Foundation
import MLEnvCore

MLEnvCommand.runAndExit()
