provider "aws" {
  region = "eu-west-1"
}

variable "office_cidr" {
  default = "0.0.0.0/0"
}

module "logs" {
  source     = "./modules/bucket"
  name       = "example-logs"
  versioning = false
}

module "data" {
  source     = "./modules/bucket"
  name       = "example-data"
  versioning = true
}

module "bastion" {
  source  = "./modules/sg"
  ssh_from = var.office_cidr
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
