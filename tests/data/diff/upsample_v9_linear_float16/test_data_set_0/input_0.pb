
BxJ=ΩºPCâ≥ı¡°9¡dBVCNBö∞Ó@