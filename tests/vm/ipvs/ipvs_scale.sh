# 10,000 virtual services x 10 real servers, programmed and listed back; one boot.
ipvs_vm_test --gtest_filter='*TenThousand*'
