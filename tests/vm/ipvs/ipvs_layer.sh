# Every IPVS operation, scheduler, error and real traffic; one boot.
ipvs_vm_test --gtest_filter='-*TenThousand*'
