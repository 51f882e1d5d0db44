variable "region" {
  description = "Region of the workload."
  type        = string
  default     = "us-east-1"
}

variable "office_cidr" {
  description = "The office's public range, for SSH to the web tier."
  type        = string
  default     = "203.0.113.0/24"
}

variable "db_password" {
  description = "Legacy database master password. Set it with --var or a tfvars file."
  type        = string
  sensitive   = true
}

variable "environment" {
  type    = string
  default = "prod"
}
