"""code every app may use; imports no app"""
