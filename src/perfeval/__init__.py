"""perfeval"""
