# Acme Widgets, us-east-1: the same insecure workload as ../snapshot, as the
# team would have written it in Terraform before deploying it.

provider "aws" {
  region = var.region
}

locals {
  name   = "acme-${var.environment}"
  admins = ["alice", "bob"]
  tags = {
    Project     = "acme-widgets"
    Environment = var.environment
  }
}

resource "aws_vpc" "prod" {
  cidr_block = "10.0.0.0/16"
  tags       = merge(local.tags, { Name = local.name })
}

resource "aws_vpc" "dev" {
  cidr_block = "10.1.0.0/16"
  tags       = merge(local.tags, { Name = "acme-dev" })
}

# Only the prod VPC has flow logs.
resource "aws_flow_log" "prod" {
  vpc_id          = aws_vpc.prod.id
  traffic_type    = "ALL"
  log_destination = aws_s3_bucket.logs.arn
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.prod.id
  cidr_block              = cidrsubnet(aws_vpc.prod.cidr_block, 8, 11 + count.index)
  map_public_ip_on_launch = true
  tags                    = merge(local.tags, { Name = "${local.name}-public-${count.index}" })
}

resource "aws_security_group" "bastion" {
  name        = "acme-bastion"
  description = "Bastion host"
  vpc_id      = aws_vpc.prod.id

  ingress {
    description = "SSH from anywhere"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "legacy_db" {
  name        = "acme-legacy-db"
  description = "Legacy PostgreSQL"
  vpc_id      = aws_vpc.prod.id
}

# The split rule resource joins its group.
resource "aws_security_group_rule" "legacy_db_postgres" {
  type              = "ingress"
  security_group_id = aws_security_group.legacy_db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group" "web" {
  name        = "acme-web"
  description = "Web tier"
  vpc_id      = aws_vpc.prod.id

  dynamic "ingress" {
    for_each = [22, 443]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.office_cidr]
    }
  }
}

resource "aws_instance" "bastion" {
  ami                         = "ami-0abcdef1234567890"
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public[0].id
  vpc_security_group_ids      = [aws_security_group.bastion.id]
  associate_public_ip_address = true

  # IMDSv1 still answers.
  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "optional"
  }

  tags = merge(local.tags, { Name = "acme-bastion" })
}

resource "aws_instance" "web" {
  ami                    = "ami-0abcdef1234567890"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.web.id]

  metadata_options {
    http_tokens = "required"
  }

  tags = merge(local.tags, { Name = "acme-web-1" })
}

resource "aws_ebs_volume" "bastion_data" {
  availability_zone = "${var.region}a"
  size              = 20
  encrypted         = false
}

resource "aws_db_instance" "legacy" {
  identifier             = "acme-legacy-db"
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "acme"
  password               = var.db_password
  publicly_accessible    = true
  storage_encrypted      = false
  vpc_security_group_ids = [aws_security_group.legacy_db.id]
}

resource "aws_kms_key" "customer_data" {
  description         = "acme customer data"
  enable_key_rotation = false
}

resource "aws_kms_alias" "customer_data" {
  name          = "alias/acme-customer-data"
  target_key_id = aws_kms_key.customer_data.key_id
}

resource "aws_s3_bucket" "website" {
  bucket = "acme-widgets-website"
}

resource "aws_s3_bucket_public_access_block" "website" {
  bucket                  = aws_s3_bucket.website.id
  block_public_acls       = false
  ignore_public_acls      = false
  block_public_policy     = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_acl" "website" {
  bucket = aws_s3_bucket.website.id
  acl    = "public-read"
}

resource "aws_s3_bucket_policy" "website" {
  bucket = aws_s3_bucket.website.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-widgets-website/*"
    }]
  })
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-widgets-logs"
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_cloudtrail" "main" {
  name                          = "acme-main"
  s3_bucket_name                = aws_s3_bucket.logs.id
  is_multi_region_trail         = false
  include_global_service_events = true
  enable_log_file_validation    = false
}

resource "aws_iam_user" "admins" {
  for_each = toset(local.admins)
  name     = each.key
}

data "aws_iam_policy_document" "admin" {
  statement {
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  name   = "acme-admin"
  policy = data.aws_iam_policy_document.admin.json
}

# Attached straight to users, not through a group.
resource "aws_iam_user_policy_attachment" "admins" {
  for_each   = aws_iam_user.admins
  user       = each.value.name
  policy_arn = aws_iam_policy.admin.arn
}

resource "aws_iam_role" "ci_deploy" {
  name = "acme-ci-deploy"
  assume_role_policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
        "Action": "sts:AssumeRole"
      }]
    }
  JSON
}

resource "aws_lb" "web" {
  name               = "acme-web-alb"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.web.id]
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/acme-web-tg/0123456789abcdef"
  }
}

resource "aws_lambda_function" "orders_sync" {
  function_name = "acme-orders-sync"
  runtime       = "python3.12"
  handler       = "app.handler"
  role          = aws_iam_role.ci_deploy.arn
  filename      = "orders_sync.zip"

  environment {
    variables = {
      DB_HOST     = aws_db_instance.legacy.address
      DB_PASSWORD = "Sup3rS3cret!2024"
    }
  }
}

resource "aws_secretsmanager_secret" "db" {
  name = "acme/orders-db"
}

# Order events: the topic fans out to the queue the report builder reads.
# Both policies were opened up "to make the subscription work".
resource "aws_sns_topic" "order_notifications" {
  name = "acme-order-notifications"
}

data "aws_iam_policy_document" "order_notifications" {
  statement {
    sid = "AnyoneCanSubscribe"
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    actions   = ["SNS:Subscribe", "SNS:Receive", "SNS:Publish"]
    resources = [aws_sns_topic.order_notifications.arn]
  }
}

resource "aws_sns_topic_policy" "order_notifications" {
  arn    = aws_sns_topic.order_notifications.arn
  policy = data.aws_iam_policy_document.order_notifications.json
}

resource "aws_sqs_queue" "order_events" {
  name                    = "acme-order-events"
  sqs_managed_sse_enabled = true
}

resource "aws_sqs_queue_policy" "order_events" {
  queue_url = aws_sqs_queue.order_events.url
  policy    = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "TopicDelivers",
    "Effect": "Allow",
    "Principal": "*",
    "Action": "sqs:SendMessage",
    "Resource": "arn:aws:sqs:us-east-1:111122223333:acme-order-events"
  }]
}
EOT
}

resource "aws_sns_topic_subscription" "order_events" {
  topic_arn = aws_sns_topic.order_notifications.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.order_events.arn
}

# Storefront sessions. The AUTH token was pasted in "until the secret exists".
resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "acme-sessions"
  description                = "storefront sessions"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = true
  auth_token                 = "Sessi0ns-R3dis-T0ken-4f9c2a"
}
